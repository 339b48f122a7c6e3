/** Socket error codes as a person would say them; the full text stays in the title. */
const CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "connect timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  CERT_HAS_EXPIRED: "certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
};

/**
 * A short reason for a failed attempt, shown in its row: the refusal or network error when no
 * response came (status code 0), else the start of the response body after the code. Null for a
 * success or when there is nothing to say.
 *
 * @example failureReason(0, "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9") // "connection refused"
 */
export function failureReason(
  code: number | null | undefined,
  response: string | null | undefined,
): string | null {
  const text = (response ?? "").replace(/\s+/g, " ").trim();
  if (code && code >= 200 && code < 300) return null;
  if (!code) {
    if (!text) return "no response";
    if (text.startsWith("ESSRF")) return text.replace(/^ESSRF:\s*/, "");
    if (/^timed out/i.test(text)) return "timeout";
    const known = Object.keys(CODES).find((c) => text.includes(c));
    return known ? CODES[known]! : text;
  }
  if (!text || text === "EXPUNGED") return null;
  return text;
}
