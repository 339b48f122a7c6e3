import { expect, it } from "vitest";

import type { SourceRow } from "../store/schema.js";
import { InboundFailureWatch, type SourceFailing } from "./inbound-failure-watch.js";

const source = (id: string) => ({ id, app_id: "app_1", name: id }) as SourceRow;

function watch(threshold = 3, windowMs = 1_000) {
  const reported: SourceFailing[] = [];
  return { reported, watch: new InboundFailureWatch({ threshold, windowMs, onFailing: (f) => reported.push(f) }) };
}

it("reports a source once when it reaches the threshold of failures in a row", () => {
  const { reported, watch: w } = watch();
  w.failed(source("src_a"), "bad", 100);
  w.failed(source("src_a"), "bad", 200);
  expect(reported).toEqual([]);
  w.failed(source("src_a"), "mismatch", 300);
  w.failed(source("src_a"), "mismatch", 400);
  expect(reported).toHaveLength(1);
  expect(reported[0]).toMatchObject({ consecutiveFailures: 3, failSince: 100, lastReason: "mismatch" });
  expect(reported[0]!.source.id).toBe("src_a");
});

it("starts again after a verified call, and reports the new run", () => {
  const { reported, watch: w } = watch();
  w.failed(source("src_a"), "bad", 100);
  w.failed(source("src_a"), "bad", 200);
  w.verified("src_a");
  w.failed(source("src_a"), "bad", 300);
  w.failed(source("src_a"), "bad", 400);
  expect(reported).toEqual([]);
  w.failed(source("src_a"), "bad", 500);
  expect(reported.map((r) => r.failSince)).toEqual([300]);
});

it("starts again after a gap longer than the window, and counts each source apart", () => {
  const { reported, watch: w } = watch(2, 1_000);
  w.failed(source("src_a"), "bad", 0);
  w.failed(source("src_b"), "bad", 10);
  w.failed(source("src_a"), "bad", 2_000);
  expect(reported).toEqual([]);
  w.failed(source("src_a"), "bad", 2_500);
  w.failed(source("src_b"), "bad", 20);
  expect(reported.map((r) => [r.source.id, r.failSince])).toEqual([
    ["src_a", 2_000],
    ["src_b", 10],
  ]);
});
