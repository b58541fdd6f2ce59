"use client";
import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useRef } from "react";
import { api, onUnauthorized } from "@/lib/api";
import { actions, resetStore, useChat } from "@/store/chat-store";

/** Loads the signed-in user; sends the browser to /login when there is no session. */
export function useSession() {
  const router = useRouter();
  const pathname = usePathname();
  const me = useChat((s) => s.me);
  const pathRef = useRef(pathname);
  pathRef.current = pathname;

  const endSession = useCallback(() => {
    resetStore();
    router.replace(`/login?next=${encodeURIComponent(pathRef.current)}`);
  }, [router]);

  useEffect(() => {
    let cancelled = false;
    api.me().then(
      ({ user }) => !cancelled && actions.setMe(user),
      () => !cancelled && endSession(),
    );
    const off = onUnauthorized(endSession);
    return () => {
      cancelled = true;
      off();
    };
  }, [endSession]);

  return { me, endSession };
}

export async function logout() {
  await api.logout().catch(() => {});
  resetStore();
  window.location.assign("/login");
}
