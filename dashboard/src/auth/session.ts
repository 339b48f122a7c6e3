/**
 * The signed-in session lives in sessionStorage: it survives a reload but not the closing of the
 * tab, and is never shared with other tabs. A portal session also remembers the one application
 * its token is limited to, which hides every global page, and whether it is read-only, which
 * hides every write control (the API refuses those writes anyway, with 403 `read_only`).
 */
const TOKEN_KEY = "hookrelay.token";
const PORTAL_APP_KEY = "hookrelay.portalApp";
const READ_ONLY_KEY = "hookrelay.readOnly";

export interface Session {
  token: string;
  /** Set in consumer-portal mode: the only application this session may see. */
  portalAppId: string | null;
  /** A read-only portal session (from `GET /api/v1/auth/whoami`). */
  readOnly: boolean;
}

type Listener = () => void;
const listeners = new Set<Listener>();
let cached: Session | null | undefined;

function read(): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  return {
    token,
    portalAppId: sessionStorage.getItem(PORTAL_APP_KEY),
    readOnly: sessionStorage.getItem(READ_ONLY_KEY) === "true",
  };
}

export function getSession(): Session | null {
  if (cached === undefined) cached = read();
  return cached;
}

export function setSession(session: Session): void {
  sessionStorage.setItem(TOKEN_KEY, session.token);
  if (session.portalAppId) sessionStorage.setItem(PORTAL_APP_KEY, session.portalAppId);
  else sessionStorage.removeItem(PORTAL_APP_KEY);
  if (session.readOnly) sessionStorage.setItem(READ_ONLY_KEY, "true");
  else sessionStorage.removeItem(READ_ONLY_KEY);
  cached = session;
  listeners.forEach((l) => l());
}

export function clearSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PORTAL_APP_KEY);
  sessionStorage.removeItem(READ_ONLY_KEY);
  cached = null;
  listeners.forEach((l) => l());
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
