import { rawJsonText } from "../lib/raw-json.js";
import type { MessageOut } from "./messages.js";

/**
 * A message as JSON, written field by field: the response of message create, the hottest route
 * (ADR 23). The generic response serializer (a zod encode, then a `JSON.stringify` whose replacer
 * looks at every value of the payload) cost about 12 µs of a 1 KB message, this 1.4 µs: it touches
 * only the envelope and splices the payload's stored text, as the generic one does. Same bytes, same key
 * order (the schema's) as the generic serializer gives for what `toMessageOut` builds: a test
 * holds the two to it.
 *
 * @example reply.serializer(messageOutJson)
 */
export function messageOutJson(out: MessageOut): string {
  const payload = rawJsonText(out.payload) ?? JSON.stringify(out.payload);
  let json = `{"id":${JSON.stringify(out.id)},"eventType":${JSON.stringify(out.eventType)},"eventId":${JSON.stringify(out.eventId)},"payload":${payload}`;
  if (out.channels !== undefined) json += `,"channels":${JSON.stringify(out.channels)}`;
  if (out.tags !== undefined) json += `,"tags":${JSON.stringify(out.tags)}`;
  if (out.deliverAt !== undefined) json += `,"deliverAt":${JSON.stringify(out.deliverAt)}`;
  return `${json},"timestamp":${JSON.stringify(out.timestamp)}}`;
}
