import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  /** `json` (default): one pino JSON object a line, for collectors. `pretty`: coloured, for a terminal. */
  format?: LogFormat;
  /** Where lines go; stdout when omitted. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

/**
 * The process logger: every line Hookrelay writes goes through it, in one format. Secrets never
 * reach the log: bearer tokens, signing secrets, provider keys and the signature headers are
 * redacted wherever they appear in a logged object.
 *
 * @example createLogger("info", { format: "pretty" }).warn({ endpointId }, "delivery attempt failed")
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const destination =
    options.format === "pretty"
      ? // In-process (not a transport thread), so lines are written in order and before exit.
        pretty({ destination: options.destination ?? 1, colorize: options.destination === undefined && process.stdout.isTTY, sync: true })
      : options.destination;
  return pino(
    {
      level,
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
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
    },
    destination,
  );
}
