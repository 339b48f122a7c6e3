import { z } from "zod";

/**
 * The delivery at the head of a FIFO endpoint's queue: the unfinished one with the smallest
 * message id, which holds every later one until it succeeds, exhausts its retries or is skipped.
 */
export const FifoHeadOut = z.object({
  msgId: z.string().meta({ example: "msg_0Lx3kQ2aB7cD9eF1gH3iJ5k" }),
  deliveryId: z.string(),
  /** `pending`: waiting for its (next) attempt; `sending`: an attempt is out now. */
  status: z.enum(["pending", "sending"]).meta({ example: "pending" }),
  attempts: z.number().int().meta({ example: 3 }),
  lastStatusCode: z.number().int().nullable().meta({ example: 503 }),
  lastAttemptAt: z.string().nullable(),
  /** When the next attempt is due (pending), or when the current one's lease runs out (sending). */
  nextAttemptAt: z.string().nullable(),
  /** Its first failed attempt since it last succeeded; null while it has not failed. */
  failingSince: z.string().nullable().meta({ example: "2026-11-29T20:00:00.000Z" }),
});
export type FifoHeadOut = z.output<typeof FifoHeadOut>;

/** `GET …/endpoint/{id}/fifo`. @example { fifo: true, head: { msgId: "msg_…", … }, waiting: 12 } */
export const FifoStatusOut = z.object({
  fifo: z.boolean(),
  head: FifoHeadOut.nullable(),
  /** Unfinished deliveries of the endpoint, the head included. */
  waiting: z.number().int().meta({ example: 12 }),
});
export type FifoStatusOut = z.output<typeof FifoStatusOut>;

/** `POST …/endpoint/{id}/fifo/skip`: `msgId`, when given, must be the head's (a guard against skipping another). */
export const FifoSkipIn = z.strictObject({
  msgId: z.string().min(1).max(64).meta({ example: "msg_0Lx3kQ2aB7cD9eF1gH3iJ5k" }).nullish(),
});
export type FifoSkipIn = z.output<typeof FifoSkipIn>;

export const FifoSkipOut = z.object({
  /** The message whose delivery was marked failed without a further attempt. */
  skipped: z.object({ msgId: z.string(), deliveryId: z.string() }),
  /** The queue after the skip. */
  status: FifoStatusOut,
});
export type FifoSkipOut = z.output<typeof FifoSkipOut>;
