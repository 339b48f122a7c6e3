import { z } from "zod";

import { rawBodyDigestKey } from "./body.js";

/**
 * What an inbound route hands to a provider: the body exactly as received (signatures are
 * computed over bytes, so a re-serialised JSON body would not verify) and the headers with
 * lower-cased names.
 *
 * @example
 * const req: InboundRequest = { rawBody: Buffer.from(text), headers: { "x-hub-signature-256": sig } };
 */
export interface InboundRequest {
  rawBody: Buffer;
  headers: InboundHeaders;
}

/**
 * A request that passed {@link Provider.verify}, with its body parsed (JSON, else text, else
 * undefined) for providers whose signed event id sits inside the body.
 */
export interface VerifiedRequest extends InboundRequest {
  body: unknown;
}

/** Request headers keyed by lower-case name, as Fastify and Node give them. */
export type InboundHeaders = Readonly<Record<string, string | undefined>>;

/**
 * Why a request was rejected. The reason is for logs and the source's delivery view; the HTTP
 * answer to the sender should not reveal it in detail.
 *
 * - `missing_signature` — the signature header is absent or empty.
 * - `malformed_signature` — present but cannot be a signature of this scheme (wrong length,
 *   not hex/base64, no `v1` entry, missing prefix, missing message id …).
 * - `invalid_signature` — well-formed but does not match; also the verdict when verification
 *   fails unexpectedly, so an error never lets a request through.
 * - `invalid_timestamp` — the timestamp header is absent or not a number.
 * - `timestamp_out_of_tolerance` — further than `toleranceSeconds` in the past or future.
 * - `client_id_mismatch` — the sender's client id differs from the configured one.
 * - `missing_credentials` / `invalid_credentials` — for API-key and bearer-token schemes.
 */
export type VerifyFailure =
  | "missing_signature"
  | "malformed_signature"
  | "invalid_signature"
  | "timestamp_out_of_tolerance"
  | "invalid_timestamp"
  | "client_id_mismatch"
  | "missing_credentials"
  | "invalid_credentials";

/**
 * The outcome of {@link Provider.verify}.
 *
 * @example
 * const verdict = provider.verify(req, config, new Date());
 * if (!verdict.ok) log.warn({ reason: verdict.reason }, "inbound webhook rejected");
 */
export type Verdict = { ok: true } | { ok: false; reason: VerifyFailure };

/**
 * A rate limit a provider documents for its own traffic: at most `points` requests per
 * `durationSeconds`. Several limits apply together (per minute, per hour, burst …).
 *
 * @example
 * const perMinute: RateLimit = { points: 1000, durationSeconds: 60 };
 */
export interface RateLimit {
  points: number;
  durationSeconds: number;
}

/**
 * An inbound event ready to become a message: the event type it is published under and its
 * payload.
 *
 * @example
 * const event: NormalizedEvent = { eventType: "order.created", payload: { orderId: "o_1" } };
 */
export interface NormalizedEvent {
  eventType: string;
  payload: unknown;
}

/**
 * One webhook sender Hookrelay can receive from. Every function is pure and never throws
 * (see {@link defineProvider}): a surprise in the input is a rejection, not a 500.
 *
 * `config` is the source's stored configuration after `configSchema.parse`.
 *
 * @example
 * const config = provider.configSchema.parse(source.config);
 * if (provider.verify({ rawBody, headers }, config, new Date()).ok) {
 *   const type = provider.eventType(body, headers, config);
 * }
 */
export interface Provider<Config = unknown> {
  /** Registry key and the `{provider}` part of `/webhooks/{provider}/{app}`. */
  readonly name: string;
  /** Validates a source's configuration and fills defaults (e.g. `toleranceSeconds: 300`). */
  readonly configSchema: z.ZodType<Config>;
  /** Authenticates the request over its raw bytes; `now` makes timestamp checks testable. */
  verify(req: InboundRequest, config: Config, now: Date): Verdict;
  /** The provider's own event type, or {@link UNKNOWN_EVENT_TYPE} when it cannot be told. */
  eventType(body: unknown, headers: InboundHeaders, config: Config): string;
  /**
   * The provider's own id of the event as the request names it, for the request log and for
   * finding the call in the provider's dashboard. It may come from an unsigned header, so it
   * never decides anything: de-duplication uses {@link dedupeKey}.
   */
  eventId(body: unknown, headers: InboundHeaders, config: Config): string | undefined;
  /**
   * The key that identifies this event across the provider's redeliveries, built ONLY from what
   * `verify` authenticated: an event id inside the signed content, else the digest of the
   * signed body ({@link rawBodyDigestKey}). A header the signature does not cover can be changed
   * by anyone replaying a captured call, so it must never make a call count as new.
   * docs/inbound-integrity.md lists the choice per provider.
   */
  dedupeKey(req: VerifiedRequest, config: Config): string;
  /**
   * Whether `verify` checks a signed timestamp against a tolerance. Without one a captured call
   * stays valid forever, so its de-duplication key is held for the whole log retention instead
   * of a day.
   */
  signsTimestamp(config: Config): boolean;
  /**
   * Maps a provider event to a canonical one (`order.created` …), or undefined when the type
   * has no canonical equivalent or the payload lacks what the canonical schema requires.
   */
  normalize?(providerType: string, body: unknown): NormalizedEvent | undefined;
  /** Limits the provider documents for its own sending; a starting point for source limits. */
  readonly defaultRateLimits?: readonly RateLimit[];
  /**
   * The answer to a verified handshake the provider sends to prove the URL (Slack's
   * `url_verification`, Zoom's `endpoint.url_validation`), as the JSON fields it expects back;
   * undefined for an ordinary event. A handshake is answered and logged, never relayed.
   */
  challenge?(body: unknown, config: Config): ChallengeAnswer | undefined;
}

/**
 * The fields a provider's URL handshake expects in the 200 answer: Slack's `challenge`, Zoom's
 * `plainToken` and `encryptedToken`.
 *
 * @example const answer: ChallengeAnswer = { challenge: "3eZbrw1a" };
 */
export interface ChallengeAnswer {
  readonly challenge?: string;
  readonly plainToken?: string;
  readonly encryptedToken?: string;
}

/** The event type reported when a body carries none the provider can recognise. */
export const UNKNOWN_EVENT_TYPE = "unknown";

/** Default accepted clock difference for timestamped schemes, in seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The `toleranceSeconds` config field shared by every timestamped scheme.
 *
 * @example
 * const configSchema = z.object({ secret: z.string().min(1), toleranceSeconds });
 */
export const toleranceSeconds = z.number().int().min(1).max(86_400).default(DEFAULT_TOLERANCE_SECONDS);

/**
 * Shorthand for a rejection verdict.
 *
 * @example
 * if (!signature) return reject("missing_signature");
 */
export function reject(reason: VerifyFailure): Verdict {
  return { ok: false, reason };
}

/** The accepting verdict; one shared frozen object. */
export const ACCEPT: Verdict = Object.freeze({ ok: true });

/**
 * Freezes a provider and guards each of its functions so that an exception becomes a failed
 * verdict (`invalid_signature`), `unknown` type, no id, the body digest as de-duplication key
 * (never no key: a bug must not switch de-duplication off), or no normalisation. Providers are
 * written to not throw; this is the backstop that keeps a bug in one from turning into an
 * accepted request or a 500 for the sender.
 *
 * @example
 * export const github = defineProvider({ name: "github", configSchema, verify, eventType, eventId, dedupeKey });
 */
export function defineProvider<Config>(provider: Provider<Config>): Provider<Config> {
  const { normalize, challenge } = provider;
  return Object.freeze({
    ...provider,
    verify(req: InboundRequest, config: Config, now: Date): Verdict {
      try {
        const verdict = provider.verify(req, config, now);
        // Only the exact accepting shape passes; anything else a buggy verifier returns fails.
        return verdict.ok === true ? ACCEPT : verdict;
      } catch {
        return reject("invalid_signature");
      }
    },
    eventType(body: unknown, headers: InboundHeaders, config: Config): string {
      try {
        return provider.eventType(body, headers, config);
      } catch {
        return UNKNOWN_EVENT_TYPE;
      }
    },
    eventId(body: unknown, headers: InboundHeaders, config: Config): string | undefined {
      try {
        return provider.eventId(body, headers, config);
      } catch {
        return undefined;
      }
    },
    dedupeKey(req: VerifiedRequest, config: Config): string {
      try {
        const key = provider.dedupeKey(req, config);
        return typeof key === "string" && key !== "" ? key : rawBodyDigestKey(req.rawBody);
      } catch {
        return rawBodyDigestKey(req.rawBody);
      }
    },
    signsTimestamp(config: Config): boolean {
      try {
        return provider.signsTimestamp(config) === true;
      } catch {
        // The longer hold is the safe answer: it refuses replays, at worst a late re-send too.
        return false;
      }
    },
    normalize:
      normalize &&
      ((providerType: string, body: unknown): NormalizedEvent | undefined => {
        try {
          return normalize.call(provider, providerType, body);
        } catch {
          return undefined;
        }
      }),
    challenge:
      challenge &&
      ((body: unknown, config: Config): ChallengeAnswer | undefined => {
        try {
          return challenge.call(provider, body, config);
        } catch {
          // A handshake that cannot be answered is treated as an event: logged, never a 500.
          return undefined;
        }
      }),
  });
}
