import { z } from "zod";

import { safeEqual } from "../lib/hash.js";
import { rawBodyDigestKey, stringAt } from "./body.js";
import {
  ACCEPT,
  defineProvider,
  type InboundRequest,
  reject,
  toleranceSeconds,
  UNKNOWN_EVENT_TYPE,
  type Verdict,
} from "./provider.js";
import {
  decodeBase64,
  decodeHex,
  DIGEST_BYTES,
  headerValue,
  hmac as computeHmac,
  parseUnixTimestamp,
  withinTolerance,
} from "./verify-helpers.js";

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN_PLACEHOLDERS = new Set(["body", "timestamp", "id"]);

/** Header names arrive lower-cased, so configured names are lower-cased once here. */
const headerName = z
  .string()
  .trim()
  .min(1)
  .transform((s) => s.toLowerCase());

const configSchema = z
  .object({
    secret: z.string().min(1),
    /** The header carrying the signature. */
    header: headerName,
    algorithm: z.enum(["sha1", "sha256", "sha512"]).default("sha256"),
    encoding: z.enum(["hex", "base64"]).default("hex"),
    /** Text before the digest in the header, e.g. `sha256=`. */
    prefix: z.string().default(""),
    /** The signed content; `{body}` is the raw body, `{timestamp}` and `{id}` header values. */
    template: z.string().default("{body}"),
    timestampHeader: headerName.optional(),
    idHeader: headerName.optional(),
    /** Dot path of the event type in a JSON body, e.g. `data.event`. */
    eventTypeField: z.string().min(1).optional(),
    /** Header carrying the event type; wins over `eventTypeField`. */
    eventTypeHeader: headerName.optional(),
    toleranceSeconds,
  })
  .superRefine((config, ctx) => {
    const names = [...config.template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "");
    for (const name of names) {
      if (!KNOWN_PLACEHOLDERS.has(name)) {
        ctx.addIssue({ code: "custom", path: ["template"], message: `unknown placeholder {${name}}` });
      }
    }
    // A template without the body would authenticate headers only and accept any payload.
    if (!names.includes("body")) {
      ctx.addIssue({ code: "custom", path: ["template"], message: "template must include {body}" });
    }
    if (names.includes("timestamp") && config.timestampHeader === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["timestampHeader"],
        message: "{timestamp} needs timestampHeader",
      });
    }
    if (names.includes("id") && config.idHeader === undefined) {
      ctx.addIssue({ code: "custom", path: ["idHeader"], message: "{id} needs idHeader" });
    }
  });

/** Whether the signed template contains `{name}`. */
function signsPlaceholder(template: string, name: string): boolean {
  return [...template.matchAll(PLACEHOLDER)].some((m) => m[1] === name);
}

/** A generic HMAC source's configuration after parsing. */
export type HmacConfig = z.output<typeof configSchema>;

function verify(req: InboundRequest, config: HmacConfig, now: Date): Verdict {
  const header = headerValue(req.headers, config.header);
  if (header === undefined) return reject("missing_signature");
  if (!header.startsWith(config.prefix)) return reject("malformed_signature");
  const bytes = DIGEST_BYTES[config.algorithm];
  const digest = header.slice(config.prefix.length);
  const presented = config.encoding === "hex" ? decodeHex(digest, bytes) : decodeBase64(digest, bytes);
  if (presented === undefined) return reject("malformed_signature");

  let timestamp: string | undefined;
  if (config.timestampHeader !== undefined) {
    timestamp = headerValue(req.headers, config.timestampHeader);
    const timestampMs =
      timestamp === undefined ? undefined : parseUnixTimestamp(timestamp, { allowMilliseconds: true });
    if (timestampMs === undefined) return reject("invalid_timestamp");
    if (!withinTolerance(timestampMs, now, config.toleranceSeconds)) {
      return reject("timestamp_out_of_tolerance");
    }
  }
  const id = config.idHeader === undefined ? undefined : headerValue(req.headers, config.idHeader);
  const values = { body: req.rawBody, timestamp, id };

  const parts: (string | Buffer)[] = [];
  let last = 0;
  for (const match of config.template.matchAll(PLACEHOLDER)) {
    parts.push(config.template.slice(last, match.index));
    const value = values[match[1] as keyof typeof values];
    // A signed header that is absent cannot have been signed; fail rather than sign "".
    if (value === undefined) return reject("malformed_signature");
    parts.push(value);
    last = match.index + match[0].length;
  }
  parts.push(config.template.slice(last));

  const expected = computeHmac(config.algorithm, config.secret, ...parts);
  return safeEqual(presented, expected) ? ACCEPT : reject("invalid_signature");
}

/**
 * A generic HMAC scheme described by configuration, for senders without a dedicated provider:
 * which header, algorithm, encoding and prefix, and a template of the signed content. The
 * `idHeader` value is the de-duplication key only when the template signs it (`{id}`);
 * otherwise anyone could change it, and the digest of the signed body is the key.
 *
 * @example
 * const config = hmac.configSchema.parse({
 *   secret: "s3cret", header: "X-Signature", prefix: "sha256=",
 *   template: "{timestamp}.{body}", timestampHeader: "X-Timestamp", eventTypeField: "event",
 * });
 * hmac.verify({ rawBody, headers }, config, new Date()); // { ok: true }
 */
export const hmac = defineProvider<HmacConfig>({
  name: "hmac",
  configSchema,
  verify,
  eventType(body, headers, config) {
    if (config.eventTypeHeader !== undefined) {
      return headerValue(headers, config.eventTypeHeader) ?? UNKNOWN_EVENT_TYPE;
    }
    if (config.eventTypeField !== undefined) {
      return stringAt(body, config.eventTypeField) ?? UNKNOWN_EVENT_TYPE;
    }
    return UNKNOWN_EVENT_TYPE;
  },
  eventId: (_body, headers, config) =>
    config.idHeader === undefined ? undefined : headerValue(headers, config.idHeader),
  dedupeKey(req, config) {
    const signedId =
      config.idHeader !== undefined && signsPlaceholder(config.template, "id")
        ? headerValue(req.headers, config.idHeader)
        : undefined;
    return signedId ?? rawBodyDigestKey(req.rawBody);
  },
  signsTimestamp: (config) =>
    config.timestampHeader !== undefined && signsPlaceholder(config.template, "timestamp"),
});
