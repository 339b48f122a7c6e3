import { z } from "zod";

import { ApplicationIn } from "./applications.js";
import { Channel, EventTypeName, Name, Timestamp } from "./common.js";

const Payload = z.record(z.string(), z.unknown());

export const MessageIn = z.strictObject({
  eventType: EventTypeName,
  eventId: Name.meta({
    description: "Your own unique id for the event; a repeat in the same application is refused with 409.",
    example: "evt_invoice_1042",
  }).nullish(),
  payload: Payload.meta({ example: { invoiceId: "in_1042", amount: 4200, currency: "EUR" } }),
  channels: z
    .array(Channel)
    .max(10)
    .meta({ example: ["project_1337"] })
    .nullish(),
  /** Creates the application on the fly when the path names one that does not exist. */
  application: ApplicationIn.nullish(),
  /** Days the payload is kept (Svix: 5–90). */
  payloadRetentionPeriod: z.number().int().min(5).max(90).meta({ example: 30 }).nullish(),
  payloadRetentionHours: z.number().int().min(1).max(2160).meta({ example: 720 }).nullish(),
  /** Scheduled delivery: the first attempt is made at this time. */
  deliverAt: Timestamp.nullish(),
  tags: z
    .array(Name.max(128).meta({ example: "billing" }))
    .max(5)
    .nullish(),
  /** Accepted for SDK compatibility; Hookrelay runs no transformations. */
  transformationsParams: z.record(z.string(), z.unknown()).meta({ example: {} }).nullish(),
});
export type MessageIn = z.output<typeof MessageIn>;

export const MessageOut = z.object({
  id: z.string(),
  eventType: z.string(),
  eventId: z.string().nullable(),
  payload: Payload,
  channels: z.array(z.string()).nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  deliverAt: z.string().nullable().optional(),
  timestamp: z.string(),
});
export type MessageOut = z.output<typeof MessageOut>;

const bool = z
  .enum(["true", "false"])
  .optional()
  .transform((v) => v !== "false");

export const WithContentQuery = z.object({ with_content: bool });

const commaList = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(",").filter(Boolean) : undefined));

export const MessageListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(250).default(50),
  iterator: z.string().max(256).optional(),
  channel: Channel.optional(),
  before: Timestamp.optional(),
  after: Timestamp.optional(),
  with_content: bool,
  event_types: commaList.meta({
    description: "Comma-separated event type names.",
    example: "invoice.paid,invoice.voided",
  }),
  /** Messages carrying this tag; Svix's pattern for the parameter. */
  tag: z
    .string()
    .max(128)
    .regex(/^[a-zA-Z0-9\-_./\\#]+$/, "may contain only letters, digits and '-', '_', '.', '/', '\\', '#'")
    .meta({ example: "billing" })
    .optional(),
});
export type MessageListQuery = z.output<typeof MessageListQuery>;

export const MessageParams = z.object({
  app_id: z.string().min(1).max(256),
  msg_id: z.string().min(1).max(256),
});
