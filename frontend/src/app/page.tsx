export default function Home() {
  return <main>Chat is running. The web client is on its way.</main>;
}
