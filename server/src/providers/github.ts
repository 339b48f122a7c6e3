import { z } from "zod";

import { safeEqual } from "../lib/hash.js";
import { rawBodyDigestKey, stringAt } from "./body.js";
import {
  ACCEPT,
  defineProvider,
  type InboundRequest,
  reject,
  UNKNOWN_EVENT_TYPE,
  type Verdict,
} from "./provider.js";
import { decodeHex, headerValue, hmac } from "./verify-helpers.js";

const configSchema = z.object({
  /** The webhook's secret as entered in GitHub. */
  secret: z.string().min(1),
});

/** A GitHub source's configuration after parsing. */
export type GitHubConfig = z.output<typeof configSchema>;

const PREFIX = "sha256=";

function verify(req: InboundRequest, config: GitHubConfig): Verdict {
  const header = headerValue(req.headers, "x-hub-signature-256");
  if (header === undefined) return reject("missing_signature");
  if (!header.startsWith(PREFIX)) return reject("malformed_signature");
  const presented = decodeHex(header.slice(PREFIX.length), 32);
  if (presented === undefined) return reject("malformed_signature");
  const expected = hmac("sha256", config.secret, req.rawBody);
  return safeEqual(presented, expected) ? ACCEPT : reject("invalid_signature");
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body (the SHA-1 header is ignored).
 * The type is `X-GitHub-Event` plus the body's `action` when there is one
 * (`pull_request.opened`); the id shown is `X-GitHub-Delivery`. Only the body is signed, so
 * de-duplication uses its digest: the delivery header is not covered by the signature, and a
 * replay with a fresh one must not count as a new event.
 *
 * @example
 * github.eventType({ action: "opened" }, { "x-github-event": "pull_request" }, config); // "pull_request.opened"
 */
export const github = defineProvider<GitHubConfig>({
  name: "github",
  configSchema,
  verify,
  eventType(body, headers) {
    const event = headerValue(headers, "x-github-event");
    if (event === undefined) return UNKNOWN_EVENT_TYPE;
    const action = stringAt(body, "action");
    return action === undefined ? event : `${event}.${action}`;
  },
  eventId: (_body, headers) => headerValue(headers, "x-github-delivery"),
  dedupeKey: (req) => rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => false,
});
