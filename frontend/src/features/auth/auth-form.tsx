"use client";
import { DisplayName, Password, Username } from "@chat/protocol";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ApiRequestError, api } from "@/lib/api";
import styles from "./auth-form.module.css";

type Field = "username" | "password" | "displayName";
type Errors = Partial<Record<Field, string>>;

/** Inline validation uses the protocol's own schemas, so client and server agree. */
function validate(mode: "login" | "register", v: Record<Field, string>): Errors {
  const errors: Errors = {};
  if (mode === "login") {
    if (!v.username.trim()) errors.username = "Enter your username";
    if (!v.password) errors.password = "Enter your password";
    return errors;
  }
  const u = Username.safeParse(v.username);
  if (!u.success) errors.username = u.error.issues[0]?.message;
  const p = Password.safeParse(v.password);
  if (!p.success) errors.password = p.error.issues[0]?.message;
  if (v.displayName.trim()) {
    const d = DisplayName.safeParse(v.displayName);
    if (!d.success) errors.displayName = d.error.issues[0]?.message;
  }
  return errors;
}

function describe(err: unknown, mode: "login" | "register") {
  if (!(err instanceof ApiRequestError)) return "Something went wrong. Please try again.";
  if (err.code === "UNAUTHORIZED") return "Wrong username or password.";
  if (err.code === "CONFLICT") return "That username is taken. Try another one.";
  if (err.code === "RATE_LIMITED") return "Too many attempts. Wait a few minutes and try again.";
  return mode === "login" ? `Could not sign in: ${err.message}` : `Could not create the account: ${err.message}`;
}

export function AuthForm({ mode }: { mode: "login" | "register" }) {
  const router = useRouter();
  const [values, setValues] = useState<Record<Field, string>>({ username: "", password: "", displayName: "" });
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState("");
  const [busy, setBusy] = useState(false);
  const errors = validate(mode, values);
  const show = (f: Field) => (submitted || touched[f] ? errors[f] : undefined);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    setServerError("");
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      if (mode === "login") await api.login({ username: values.username.trim(), password: values.password });
      else
        await api.register({
          username: values.username.trim(),
          password: values.password,
          displayName: values.displayName.trim() || undefined,
        });
      const next = new URLSearchParams(window.location.search).get("next");
      router.replace(next?.startsWith("/chat") ? next : "/chat");
    } catch (err) {
      setServerError(describe(err, mode));
      setBusy(false);
    }
  }

  const input = (field: Field, label: string, type = "text", autoComplete?: string) => {
    const error = show(field);
    const id = `auth-${field}`;
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          className="input"
          type={type}
          name={field}
          autoComplete={autoComplete}
          value={values[field]}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))}
          onBlur={() => setTouched((t) => ({ ...t, [field]: true }))}
        />
        {error && (
          <span id={`${id}-error`} className="field-error">
            {error}
          </span>
        )}
      </div>
    );
  };

  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <div className={styles.brand} aria-hidden="true">
          <span className={styles.logo}>◆</span> Relay
        </div>
        <h1 className={styles.title}>{mode === "login" ? "Welcome back" : "Create your account"}</h1>
        <p className={styles.subtitle}>
          {mode === "login" ? "Sign in to continue to your conversations." : "It takes ten seconds. No email needed."}
        </p>
        <form className={styles.form} onSubmit={onSubmit} noValidate>
          {input("username", "Username", "text", "username")}
          {mode === "register" && input("displayName", "Display name (optional)", "text", "name")}
          {input("password", "Password", "password", mode === "login" ? "current-password" : "new-password")}
          {serverError && (
            <div role="alert" className="form-error">
              {serverError}
            </div>
          )}
          <button className="button" type="submit" disabled={busy}>
            {busy ? "Please wait…" : mode === "login" ? "Sign in" : "Create account"}
          </button>
        </form>
        <p className={styles.switch}>
          {mode === "login" ? (
            <>
              New here? <Link href="/register">Create an account</Link>
            </>
          ) : (
            <>
              Already have an account? <Link href="/login">Sign in</Link>
            </>
          )}
        </p>
      </div>
    </main>
  );
}
