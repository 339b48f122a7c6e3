/** Parses JSON text stored by the repositories; a corrupt value is a bug, so it throws. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  return JSON.parse(text) as T;
}
