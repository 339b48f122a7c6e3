import { clearSession, getSession } from "../auth/session";

/** An error answered by the API, carrying Svix's `{ code, detail }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = "ApiError";
  }
}

export type Query = Record<string, string | number | boolean | string[] | null | undefined>;

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Query;
  body?: unknown;
  /** Overrides the session token (used by sign-in to test a token before storing it). */
  token?: string;
  signal?: AbortSignal;
}

/** Builds `/api/v1/…?a=1&b=x,y`, leaving out empty values. */
export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(","));
    } else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Turns any error body into one readable line: `{code, detail}` or the 422 `{detail: [...]}`. */
export function errorFromBody(status: number, body: unknown): ApiError {
  if (body && typeof body === "object" && "detail" in body) {
    const { code, detail } = body as { code?: unknown; detail: unknown };
    if (Array.isArray(detail)) {
      const lines = detail.map(
        (d: { loc?: unknown[]; msg?: string }) => `${(d.loc ?? []).join(".")}: ${d.msg ?? "invalid"}`,
      );
      return new ApiError(status, typeof code === "string" ? code : "validation", lines.join("; "));
    }
    return new ApiError(status, typeof code === "string" ? code : `http_${status}`, String(detail));
  }
  return new ApiError(
    status,
    `http_${status}`,
    status === 404 ? "Not found on this server" : `Request failed with status ${status}`,
  );
}

/**
 * Calls the Hookrelay API on the same origin with the session's bearer token. Resolves with the
 * parsed JSON (or undefined for 204); rejects with {@link ApiError}. A 401 signs the user out.
 *
 * @example const apps = await api<Page<ApplicationOut>>("/api/v1/app", { query: { limit: 50 } });
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = options.token ?? getSession()?.token;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "network_error", "Could not reach the Hookrelay server");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { code: `http_${response.status}`, detail: text.slice(0, 300) };
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !options.token) clearSession();
    throw errorFromBody(response.status, body);
  }
  return body as T;
}
