import { z } from "zod";

import { contentFilterProblem } from "../lib/content-filter.js";
import { isEd25519Secret, parseEd25519Secret } from "../lib/ed25519-keys.js";
import { SIGNATURE_SCHEMES } from "../lib/signature-schemes.js";
import { SECRET_PATTERN } from "../lib/standard-webhooks.js";
import { AppParams, Channel, EventTypeName, Metadata, Uid } from "./common.js";

/**
 * An endpoint signing key: an HMAC secret (base64, optionally prefixed `whsec_`, stored with the
 * prefix) or, as in Svix, an ed25519 secret key `whsk_` + base64(seed ‖ public key).
 */
export const EndpointSecret = z
  .string()
  // Svix's documented pattern, less the public-key prefixes (a public key cannot sign).
  .regex(/^(whsec_|whsk_)?[a-zA-Z0-9+/=]{32,100}$/, "must be 32–100 base64 characters, optionally prefixed with 'whsec_' (or 'whsk_' for an ed25519 key)")
  .refine(
    (v) => (isEd25519Secret(v) ? parseEd25519Secret(v) !== undefined : SECRET_PATTERN.test(v)),
    "an ed25519 key must be 'whsk_' + base64 of its 64 bytes (seed and matching public key)",
  )
  .meta({ example: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD" });

/** The algorithms an endpoint key signs with (Standard Webhooks `v1` and `v1a`). */
export const SIGNATURE_ALGORITHMS = ["hmac-sha256", "ed25519"] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** Hookrelay: with no key given, generate one for this algorithm. */
const SignatureAlgorithmIn = z.enum(SIGNATURE_ALGORITHMS).meta({
  description: "Hookrelay: with no key given, generate one of this kind: `hmac-sha256` (`whsec_`) or `ed25519` (`whsk_`, `v1a` signatures; receivers verify with the public key).",
  example: "ed25519",
});

/**
 * True for an absolute http(s) URL with a host. Whitespace is refused outright because
 * `new URL` would quietly trim or encode it and the stored URL would differ from the one given.
 *
 * @example isHttpUrl("https://example.com/hook") // true; isHttpUrl("ftp://x") // false
 */
export function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

export const EndpointUrl = z
  .string()
  .min(1)
  .max(65536)
  .refine(isHttpUrl, "must be an absolute http or https URL with a host")
  .meta({ example: "https://hooks.example.com/webhooks" });

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible Latin-1 and tab: what an HTTP client will put on the wire without refusing or mangling it.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Headers Hookrelay sets itself on every delivery (signature, framing, identity) or that are
 * hop-by-hop: a custom header must not replace them, or signatures and framing would break.
 */
const RESERVED_HEADERS = new Set([
  "content-type",
  "content-length",
  "host",
  "user-agent",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
  "proxy-connection",
]);

/**
 * Why a custom header name is refused, or undefined when it is acceptable.
 *
 * @example headerNameProblem("svix-signature") // "is set by Hookrelay and cannot be overridden"
 */
export function headerNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 256 || !HEADER_NAME.test(name))
    return "is not a valid HTTP header name";
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-") || lower.startsWith("svix-")) {
    return "is set by Hookrelay and cannot be overridden";
  }
  return undefined;
}

const HeaderValue = z
  .string()
  .max(8192)
  .regex(HEADER_VALUE, "must be printable text without line breaks")
  .meta({ example: "Bearer 3f1c9a" });

function headerMap<V extends z.ZodType>(value: V) {
  return z.record(z.string(), value).superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      const problem = headerNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", path: [name], message: `header '${name}' ${problem}` });
    }
  });
}

/** Custom headers sent with every delivery to an endpoint. */
export const EndpointHeaders = headerMap(HeaderValue).meta({ example: { "X-Api-Key": "k_live_example" } });
export type EndpointHeaders = z.output<typeof EndpointHeaders>;

/** Endpoint uids may not look like ids: `ep_…` in a path is always looked up as an id. */
const EndpointUid = Uid.refine((v) => !v.startsWith("ep_"), "must not start with 'ep_'").meta({
  example: "billing-primary",
});
const EventTypeList = z
  .array(EventTypeName)
  .min(1)
  .meta({ example: ["invoice.paid", "invoice.voided"] });
const Rate = z.number().int().min(1).max(65535);

/**
 * Hookrelay's own: the endpoint's content filter (ADR 0017), checked by compiling it, so an
 * unknown operator or a bad operand is a 422 naming where it is.
 */
const ContentFilter = z
  .record(z.string(), z.unknown())
  .superRefine((filter, ctx) => {
    const problem = contentFilterProblem(filter);
    if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
  })
  .meta({
    description:
      "Hookrelay: a condition on the payload's fields; only messages whose payload matches are delivered to this endpoint. " +
      "Field names nest; operators $eq, $neq, $in, $nin, $gt, $gte, $lt, $lte, $exists, $and, $or, $not. null = every payload.",
    example: { data: { amount: { $gte: 100 }, currency: { $in: ["EUR", "USD"] } } },
  });
const PatchRate = z.number().int().min(0).max(65535);

const fields = {
  url: EndpointUrl,
  uid: EndpointUid.nullish(),
  description: z.string().max(8192).meta({ example: "Billing service, production" }).optional(),
  disabled: z.boolean().meta({ example: false }).optional(),
  /** What the official SDKs send; the OpenAPI reference calls it `eventTypes`. Both are accepted. */
  filterTypes: EventTypeList.meta({ deprecated: true, description: "The older name of `eventTypes`." }).nullish(),
  eventTypes: EventTypeList.nullish(),
  channels: z
    .array(Channel)
    .min(1)
    .max(10)
    .meta({ example: ["project_1337"] })
    .nullish(),
  metadata: Metadata.optional(),
  throttleRate: Rate.meta({ description: "Deliveries per second to this endpoint, at most.", example: 50 }).nullish(),
  /** The older, deprecated name of `throttleRate` (svix 1.x SDKs); both are accepted and returned. */
  rateLimit: Rate.meta({
    deprecated: true,
    description: "The older name of `throttleRate`.",
    example: 50,
  }).nullish(),
  /** Hookrelay's own: deliveries to this endpoint in flight at once; null = HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT. */
  maxInFlight: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .meta({ description: "Deliveries to this endpoint in flight at once, across every worker.", example: 16 })
    .nullish(),
  /** Hookrelay's own: disable the endpoint after this many consecutive failed attempts; null = never on a count. */
  disableAfterFailures: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .meta({ description: "Disable the endpoint after this many consecutive failed attempts.", example: 10 })
    .nullish(),
  /** Hookrelay's own: the signature headers deliveries carry (see `lib/signature-schemes.ts`). */
  signatureScheme: z
    .enum(SIGNATURE_SCHEMES)
    .meta({
      description:
        "Hookrelay: `standard-webhooks` (webhook-id/-timestamp/-signature, the default) or `x-webhook-signature` (`X-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of {t}.{body}>` with `X-Webhook-Event`; HMAC secrets only).",
      example: "standard-webhooks",
    })
    .nullish(),
  /** Hookrelay's own: a content filter on the payload; null = none. */
  filter: ContentFilter.nullish(),
  /** Hookrelay's own: deliveries one at a time, in message order (ADR 18); PUT without it turns it off. */
  fifo: z
    .boolean()
    .meta({
      description:
        "Hookrelay: a FIFO endpoint. Its deliveries go one at a time in message order; a failing one holds the rest until it succeeds, exhausts its retries or is skipped.",
      example: false,
    })
    .nullish(),
  /** Deprecated in Svix; accepted and ignored (every endpoint is version 1). */
  version: z.number().int().min(1).meta({ deprecated: true, example: 1 }).nullish(),
};

/**
 * POST body. `secret` is generated when absent; `headers` are the custom delivery headers.
 *
 * @example EndpointIn.parse({ url: "https://example.com/hook", filterTypes: ["invoice.paid"] })
 */
export const EndpointIn = z
  .strictObject({
    ...fields,
    url: EndpointUrl.optional(),
    /**
     * Hookrelay: a polling endpoint (Svix's "poller"), which has no URL: its receiver pulls the
     * messages through `/api/v1/app/{app_id}/poller/{endpoint_id}` instead of being sent them.
     */
    polling: z
      .boolean()
      .meta({ description: "Hookrelay: create a polling endpoint (no `url`); its messages are read through the poller API, never delivered.", example: false })
      .optional(),
    secret: EndpointSecret.nullish(),
    signatureAlgorithm: SignatureAlgorithmIn.nullish(),
    headers: EndpointHeaders.nullish(),
  })
  .refine((v) => (v.polling === true) === (v.url === undefined), {
    message: "give a url, or polling: true without a url",
    path: ["url"],
  });
export type EndpointIn = z.output<typeof EndpointIn>;

/** PUT body: replaces everything but the secret and the headers, which have their own routes. */
export const EndpointUpdate = z.strictObject(fields);
export type EndpointUpdate = z.output<typeof EndpointUpdate>;

/**
 * PATCH body: absent fields are kept, `null` clears. A `throttleRate` of 0 means "no limit"
 * (the reference allows 0 here only). A `secret` here rotates like `secret/rotate`.
 */
export const EndpointPatch = z.strictObject({
  ...fields,
  url: EndpointUrl.optional(),
  throttleRate: PatchRate.nullish(),
  rateLimit: PatchRate.nullish(),
  secret: EndpointSecret.nullish(),
});
export type EndpointPatch = z.output<typeof EndpointPatch>;

/** Circuit breaker states as the API names them. */
export const CIRCUIT_STATES = ["closed", "open", "half-open"] as const;
export type CircuitStateName = (typeof CIRCUIT_STATES)[number];

/**
 * The endpoint's circuit breaker: `open` while deliveries wait for a cool-down, `half-open` while
 * one probe is out; `nextProbeAt` is when an open circuit sends its probe.
 */
export const EndpointCircuit = z.object({
  state: z.enum(CIRCUIT_STATES).meta({ example: "closed" }),
  consecutiveFailures: z.number().int().meta({ example: 0 }),
  nextProbeAt: z.string().nullable().meta({ example: null }),
});
export type EndpointCircuit = z.output<typeof EndpointCircuit>;

export const EndpointOut = z.object({
  id: z.string(),
  uid: z.string().nullable(),
  url: z.string(),
  description: z.string(),
  disabled: z.boolean(),
  /** The event types delivered to this endpoint; null = all. `eventTypes` carries the same value. */
  filterTypes: z.array(z.string()).nullable(),
  eventTypes: z.array(z.string()).nullable(),
  channels: z.array(z.string()).nullable(),
  metadata: Metadata,
  throttleRate: z.number().nullable(),
  rateLimit: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  /** Hookrelay's own (SDKs ignore fields they do not know): the cap on deliveries in flight; null = the default. */
  maxInFlight: z.number().nullable(),
  disableAfterFailures: z.number().nullable(),
  circuit: EndpointCircuit,
  /** Hookrelay: a polling endpoint (no URL, read through the poller API). */
  polling: z.boolean(),
  /** Hookrelay: how deliveries are signed, and with what kind of key. */
  signatureScheme: z.enum(SIGNATURE_SCHEMES),
  signatureAlgorithm: z.enum(SIGNATURE_ALGORITHMS),
  /** Hookrelay: the `whpk_` key receivers verify `v1a` signatures with; null for HMAC endpoints. */
  publicKey: z.string().nullable().meta({ example: "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=" }),
  /** Hookrelay: the content filter on the payload (ADR 0017); null = every payload. */
  filter: z.record(z.string(), z.unknown()).nullable(),
  /** Hookrelay: a FIFO endpoint (one delivery at a time, in message order). */
  fifo: z.boolean(),
});
export type EndpointOut = z.output<typeof EndpointOut>;

/** The `whsec_` secret, or for an ed25519 endpoint its `whpk_` public key (as Svix answers). */
export const EndpointSecretOut = z.object({ key: z.string() });
export type EndpointSecretOut = z.output<typeof EndpointSecretOut>;

export const EndpointSecretRotateIn = z.strictObject({
  key: EndpointSecret.nullish(),
  /** How long the previous secret keeps signing (0 – 7 days); defaults to HOOKRELAY_SECRET_GRACE_SECONDS. */
  gracePeriodSeconds: z.number().int().min(0).max(604_800).nullish(),
  /** Hookrelay: with no `key`, generate one of this kind (default: the kind the endpoint has). */
  signatureAlgorithm: SignatureAlgorithmIn.nullish(),
});
export type EndpointSecretRotateIn = z.output<typeof EndpointSecretRotateIn>;

export const EndpointHeadersIn = z.strictObject({ headers: EndpointHeaders });
export type EndpointHeadersIn = z.output<typeof EndpointHeadersIn>;

/** PATCH headers: a `null` value or a name in `deleteHeaders` removes that header. */
export const EndpointHeadersPatchIn = z.strictObject({
  headers: headerMap(HeaderValue.nullable()),
  deleteHeaders: z.array(z.string().max(256)).nullish(),
});
export type EndpointHeadersPatchIn = z.output<typeof EndpointHeadersPatchIn>;

/** Values of sensitive headers (listed in `sensitive`) are masked. */
export const EndpointHeadersOut = z.object({
  headers: z.record(z.string(), z.string()),
  sensitive: z.array(z.string()),
});
export type EndpointHeadersOut = z.output<typeof EndpointHeadersOut>;

export const EndpointParams = AppParams.extend({ endpoint_id: z.string().min(1).max(256) });
