import type { ReactNode } from "react";

import { useReadOnly } from "../auth/useSession";

/** Renders its children only in a session that may write: a read-only portal session sees none. */
export function Writable({ children }: { children: ReactNode }) {
  return useReadOnly() ? null : <>{children}</>;
}
