import { AuthForm } from "@/features/auth/auth-form";

export const metadata = { title: "Sign in · Relay Chat" };

export default function LoginPage() {
  return <AuthForm mode="login" />;
}
