import { z } from "zod";

export const QueueStatus = z.enum(["pending", "sending", "fail"]);

export const QueueQuery = z.object({
  status: QueueStatus.default("pending"),
  limit: z.coerce.number().int().min(1).max(250).default(50),
  iterator: z.string().max(256).optional(),
});
export type QueueQuery = z.output<typeof QueueQuery>;

/** One delivery in the retry queue or dead letter, as the dashboard lists it. */
export const QueueItemOut = z.object({
  msgId: z.string(),
  endpointId: z.string(),
  endpointUrl: z.string().nullable(),
  eventType: z.string(),
  status: z.number(),
  statusText: z.string(),
  attempts: z.number(),
  nextAttempt: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  updatedAt: z.string(),
});
export type QueueItemOut = z.output<typeof QueueItemOut>;
