import { z } from "zod";

import { isRecord, rawBodyDigestKey, stringAt } from "./body.js";
import { defineProvider, toleranceSeconds, UNKNOWN_EVENT_TYPE } from "./provider.js";
import { verifyV0 } from "./v0-signature.js";

const configSchema = z.object({
  /** The app's Signing Secret (Basic Information → App Credentials), not a bot token. */
  secret: z.string().min(1),
  toleranceSeconds,
});

/** A Slack source's configuration after parsing. */
export type SlackConfig = z.output<typeof configSchema>;

const HEADERS = { signature: "x-slack-signature", timestamp: "x-slack-request-timestamp" };

/** The Events API's own id of an event, inside the signed body. */
const eventIdOf = (body: unknown): string | undefined => stringAt(body, "event_id");

/**
 * Slack (Events API and every request Slack signs): `X-Slack-Signature: v0=<hex>` over
 * `v0:{X-Slack-Request-Timestamp}:{body}`. The type is the inner event's type for an
 * `event_callback` (`app_mention`, `message` …), else the body's `type` (`url_verification`,
 * `block_actions` …). `event_id` is signed, so it is the de-duplication key (Slack retries with
 * the same one); other requests fall back to the body's digest. The `url_verification`
 * handshake Slack sends when a Request URL is saved is answered with its `challenge`, once the
 * request verified, and creates no message.
 *
 * @example slack.eventType({ type: "event_callback", event: { type: "app_mention" } }, {}, config) // "app_mention"
 */
export const slack = defineProvider<SlackConfig>({
  name: "slack",
  configSchema,
  verify: (req, config, now) => verifyV0(req, HEADERS, config.secret, config.toleranceSeconds, now),
  eventType(body) {
    const type = stringAt(body, "type");
    if (type === "event_callback") return stringAt(body, "event.type") ?? UNKNOWN_EVENT_TYPE;
    return type ?? UNKNOWN_EVENT_TYPE;
  },
  eventId: (body) => eventIdOf(body),
  dedupeKey: (req) => eventIdOf(req.body) ?? rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => true,
  challenge(body) {
    if (!isRecord(body) || body.type !== "url_verification") return undefined;
    const challenge = stringAt(body, "challenge");
    return challenge === undefined ? undefined : { challenge };
  },
});
