import { randomUUID } from "node:crypto";

import { z } from "zod";

import { stringAt } from "./body.js";
import { ACCEPT, defineProvider, UNKNOWN_EVENT_TYPE } from "./provider.js";

/** No settings: the sender signs nothing. */
const configSchema = z.object({});

/**
 * Svix's `generic-webhook` ingest type: "webhooks with no verification scheme". Only an ingest
 * source may use it, because its URL carries an unguessable token that is then the only thing
 * standing between the internet and the source's endpoints (ADR 20); an application's source at
 * `/ingest/{source_id}` has no such secret in its URL. The type is the body's `type` or `event`
 * when it has one. Nothing is signed, so nothing can tell a redelivery from a new call: every
 * call is new (a body digest would drop a sender's honest repeats, such as identical pings).
 *
 * @example genericWebhook.verify({ rawBody, headers }, {}, new Date()) // { ok: true }
 */
export const genericWebhook = defineProvider({
  name: "generic-webhook",
  configSchema,
  verify: () => ACCEPT,
  eventType: (body) => stringAt(body, "type") ?? stringAt(body, "event") ?? UNKNOWN_EVENT_TYPE,
  eventId: () => undefined,
  dedupeKey: () => `unsigned:${randomUUID()}`,
  signsTimestamp: () => false,
});
