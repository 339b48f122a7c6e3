import { createHmac } from "node:crypto";

import { z } from "zod";

import { rawBodyDigestKey, stringAt } from "./body.js";
import { defineProvider, toleranceSeconds, UNKNOWN_EVENT_TYPE } from "./provider.js";
import { verifyV0 } from "./v0-signature.js";

const configSchema = z.object({
  /** The app's Secret Token (Features → Access → Secret Token). */
  secret: z.string().min(1),
  toleranceSeconds,
});

/** A Zoom source's configuration after parsing. */
export type ZoomConfig = z.output<typeof configSchema>;

const HEADERS = { signature: "x-zm-signature", timestamp: "x-zm-request-timestamp" };

/**
 * Zoom: `x-zm-signature: v0=<hex>` over `v0:{x-zm-request-timestamp}:{body}` with the app's
 * secret token. The type is the body's `event` (`meeting.started` …). Zoom puts no id of its own
 * in the signed body, so de-duplication uses the body's digest. The `endpoint.url_validation`
 * handshake (sent when the URL is saved, and every 72 hours) is answered with `plainToken` and
 * `encryptedToken` = hex HMAC-SHA256 of the plain token with the secret, as Zoom requires.
 *
 * @example zoom.eventType({ event: "meeting.started" }, {}, config) // "meeting.started"
 */
export const zoom = defineProvider<ZoomConfig>({
  name: "zoom",
  configSchema,
  verify: (req, config, now) => verifyV0(req, HEADERS, config.secret, config.toleranceSeconds, now),
  eventType: (body) => stringAt(body, "event") ?? UNKNOWN_EVENT_TYPE,
  eventId: (body) => stringAt(body, "payload.object.uuid") ?? stringAt(body, "payload.object.id"),
  dedupeKey: (req) => rawBodyDigestKey(req.rawBody),
  signsTimestamp: () => true,
  challenge(body, config) {
    if (stringAt(body, "event") !== "endpoint.url_validation") return undefined;
    const plainToken = stringAt(body, "payload.plainToken");
    if (plainToken === undefined) return undefined;
    const encryptedToken = createHmac("sha256", config.secret).update(plainToken).digest("hex");
    return { plainToken, encryptedToken };
  },
});
