import styles from "./empty-pane.module.css";

export function EmptyPane() {
  return (
    <div className={styles.empty}>
      <div className={styles.icon} aria-hidden="true">
        💬
      </div>
      <h2>Pick a conversation</h2>
      <p>Choose a chat on the left, or start a new one with the buttons at the top.</p>
    </div>
  );
}
