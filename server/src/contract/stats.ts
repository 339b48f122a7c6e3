import { z } from "zod";

export const Period = z.enum(["hour", "day", "week"]);
export type Period = z.output<typeof Period>;

export const OverviewQuery = z.object({
  period: Period.default("day"),
  app_id: z.string().min(1).max(256).optional(),
});

const Latency = z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() });

export const SeriesPoint = z.object({
  t: z.string(),
  messages: z.number(),
  success: z.number(),
  fail: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
});

export const OverviewOut = z.object({
  period: Period,
  from: z.string(),
  to: z.string(),
  messages: z.number(),
  attempts: z.object({ success: z.number(), fail: z.number() }),
  successRate: z.number().nullable(),
  latencyMs: Latency,
  failingEndpoints: z.array(
    z.object({
      appId: z.string(),
      /** The application's name, so the overview need not show bare ids. */
      appName: z.string(),
      endpointId: z.string(),
      url: z.string(),
      disabled: z.boolean(),
      failures: z.number(),
      lastStatusCode: z.number().nullable(),
      /**
       * Why the last failed attempt failed: the refusal or network error ("timed out after …",
       * "ESSRF: …") when no response came, else the start of the response body.
       */
      lastError: z.string().nullable(),
      since: z.string(),
    }),
  ),
  queue: z.object({ pending: z.number(), sending: z.number(), failed: z.number() }),
  series: z.array(SeriesPoint),
  inbound: z.object({ accepted: z.number(), rejected: z.number(), duplicate: z.number() }),
});
export type OverviewOut = z.output<typeof OverviewOut>;

export const EndpointLatencyOut = z.object({
  period: Period,
  success: z.number(),
  fail: z.number(),
  successRate: z.number().nullable(),
  latencyMs: Latency,
  series: z.array(SeriesPoint),
});
export type EndpointLatencyOut = z.output<typeof EndpointLatencyOut>;
