import { useSyncExternalStore } from "react";

import { getSession, type Session, subscribeSession } from "./session";

/** The current session; re-renders when the user signs in or out. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession);
}
