import pino, { type Logger } from "pino";

/**
 * The process logger. Secrets never reach the log: bearer tokens, signing secrets, provider
 * keys and the signature headers are redacted wherever they appear in a logged object.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        "req.headers.authorization",
        "headers.authorization",
        "*.headers.authorization",
        "*.secret",
        "*.key",
        "*.token",
        "*.apiKey",
        "config.secret",
        "config.apiKey",
        "config.token",
        'headers["webhook-signature"]',
        'headers["x-talabat-api-key"]',
      ],
      censor: "[redacted]",
    },
  });
}
