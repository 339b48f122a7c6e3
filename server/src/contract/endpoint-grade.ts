import { z } from "zod";

import { GRADE_CASE_IDS } from "../lib/receiver-grade.js";

/** One case of a grading run: what was sent, what a conforming receiver does, what this one did. */
export const GradeCaseOut = z.object({
  id: z.enum(GRADE_CASE_IDS),
  title: z.string(),
  expect: z.enum(["accept", "reject"]).describe("`accept`: answer 2xx; `reject`: answer 4xx"),
  observed: z
    .enum(["accepted", "rejected", "redirect", "server_error", "timeout", "network_error", "not_run"])
    .describe("`accepted` 2xx, `rejected` 4xx; anything else is wrong whatever was expected"),
  status: z.number().int().nullable().describe("The HTTP status, or null when none arrived"),
  passed: z.boolean(),
  note: z.string(),
  fix: z.string().describe("What to change in the receiver when this case is missed"),
  durationMs: z.number().int(),
});

/**
 * The report card of `POST …/endpoint/{id}/grade`.
 *
 * @example { url: "https://…", passed: 7, total: 9, percent: 78, caveat: null, cases: [{ id: "stale_timestamp", passed: false, … }] }
 */
export const GradeReportOut = z.object({
  url: z.string(),
  startedAt: z.string(),
  durationMs: z.number().int(),
  passed: z.number().int(),
  total: z.number().int(),
  percent: z.number().int().min(0).max(100),
  caveat: z
    .string()
    .nullable()
    .describe("Set when the run proves less than it seems, e.g. the valid delivery was refused"),
  cases: z.array(GradeCaseOut),
});

export type GradeReportOut = z.infer<typeof GradeReportOut>;
