import { describe, expect, it } from "vitest";

import type { DeliveryResult } from "./delivery-result.js";
import { hourlyCounters } from "./hourly-counters.js";

const HOUR = 3_600_000;

function result(endpointId: string, at: number, status: 0 | 1, durationMs: number, attempted = true): DeliveryResult {
  return {
    deliveryId: `dlv_${at}`,
    endpointId,
    owner: "w1",
    next: status === 0 ? "success" : "retry",
    at,
    attempt: attempted
      ? {
          msg_id: "msg_1",
          app_id: "app_1",
          url: "http://127.0.0.1:9/",
          status,
          response_status_code: status === 0 ? 200 : 500,
          response: "",
          response_duration_ms: durationMs,
          trigger_type: 0,
        }
      : undefined,
  };
}

describe("hourlyCounters", () => {
  it("folds attempts into one row per (endpoint, hour), sorted, and skips results without an attempt", () => {
    const rows = hourlyCounters([
      result("ep_b", 10 * HOUR + 5, 0, 7),
      result("ep_a", 11 * HOUR + 1, 1, 60_000),
      result("ep_a", 10 * HOUR + 2, 0, 12.6),
      result("ep_a", 10 * HOUR + 3, 1, 3),
      result("ep_a", 10 * HOUR + 4, 0, 1, false),
    ]);
    expect(rows.map((r) => [r.endpoint_id, r.hour, r.success, r.fail, r.latency_max_ms])).toEqual([
      ["ep_a", 10 * HOUR, 1, 1, 13],
      ["ep_a", 11 * HOUR, 0, 1, 60_000],
      ["ep_b", 10 * HOUR, 1, 0, 7],
    ]);
    // 12.6 ms rounds to 13: bucket [10, 50); 3 ms: bucket [0, 10).
    expect(rows[0]).toMatchObject({ lat_10: 1, lat_50: 1, app_id: "app_1" });
  });

  it("returns nothing for a batch without attempts", () => {
    expect(hourlyCounters([result("ep_a", 0, 0, 1, false)])).toEqual([]);
  });
});
