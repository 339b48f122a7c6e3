import { useSyncExternalStore } from "react";

import { getSession, type Session, subscribeSession } from "./session";

/** The current session; re-renders when the user signs in or out. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession);
}

/** Whether this session may not write (a read-only portal session); write controls hide themselves. */
export function useReadOnly(): boolean {
  return useSession()?.readOnly ?? false;
}
