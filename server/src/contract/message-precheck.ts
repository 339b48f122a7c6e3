import { z } from "zod";

import { Channel, EventTypeName } from "./common.js";

/** `POST /api/v1/app/{app_id}/msg/precheck/active`: would a message of this type (and channels) reach anyone? */
export const MessagePrecheckIn = z.object({
  eventType: EventTypeName,
  channels: z.array(Channel).min(1).max(10).nullish(),
});
export type MessagePrecheckIn = z.output<typeof MessagePrecheckIn>;

export const MessagePrecheckOut = z.object({
  /** Whether any enabled endpoint (polling ones included) would get such a message. */
  active: z.boolean(),
});
export type MessagePrecheckOut = z.output<typeof MessagePrecheckOut>;
