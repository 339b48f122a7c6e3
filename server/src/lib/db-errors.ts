/**
 * True for a unique or primary-key violation on either engine. Lives in lib/ (not store/) so
 * services can turn it into a 409 and http can map errors without importing the store.
 *
 * @example try { await repo.insert(row); } catch (e) { if (isUniqueViolation(e)) throw ApiError.conflict("…"); throw e; }
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

const CONNECTION_ERRORS = new Set([
  // The socket: refused while the server is down, reset or timed out when it goes away.
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  // PostgreSQL: shutting down (57P01 admin, 57P02 crash, 57P03 starting up / not yet accepting),
  // connection failures (08xxx), too many connections (53300), statement_timeout (57014).
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "53300",
  "57014",
  "SQLITE_BUSY",
]);

/**
 * Errors that mean "the database cannot be reached right now", from pg or from the socket. pg
 * wraps a timed-out connect ("Connection terminated due to connection timeout") around the
 * socket error, so the cause is looked at too.
 *
 * @example if (isDatabaseUnavailable(error)) return reply.code(503).send(…);
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return isUnavailable(error) || isUnavailable((error as { cause?: unknown } | null)?.cause);
}

function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null | undefined;
  if (!e) return false;
  if (e.code && CONNECTION_ERRORS.has(e.code)) return true;
  const m = e.message ?? "";
  return (
    m.includes("Connection terminated") ||
    m.includes("timeout exceeded when trying to connect") ||
    m.includes("Client has encountered a connection error") ||
    m.includes("Query read timeout") ||
    m.includes("SQLITE_BUSY")
  );
}
