import { describe, expect, it } from "vitest";

import { createMetrics, IN_FLIGHT_TOP } from "./metrics.js";

const value = (text: string, series: string): number | undefined => {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe("createMetrics", () => {
  it("reads the queue backlog once per scrape into the due and lag gauges", async () => {
    let reads = 0;
    let next: { due: number; oldestDueAt: number | null } | Error = { due: 7, oldestDueAt: Date.now() - 2_000 };
    const metrics = createMetrics({
      backlog: async () => {
        reads++;
        if (next instanceof Error) throw next;
        return next;
      },
    });
    let text = await metrics.registry.metrics();
    expect(reads).toBe(1);
    expect(value(text, "hookrelay_deliveries_due")).toBe(7);
    expect(value(text, "hookrelay_delivery_lag_seconds")).toBeGreaterThanOrEqual(2);
    expect(value(text, "hookrelay_delivery_lag_seconds")).toBeLessThan(5);

    // The database away: the scrape still answers, with the last values.
    next = new Error("database unavailable");
    text = await metrics.registry.metrics();
    expect(value(text, "hookrelay_deliveries_due")).toBe(7);

    next = { due: 0, oldestDueAt: null };
    text = await metrics.registry.metrics();
    expect(value(text, "hookrelay_deliveries_due")).toBe(0);
    expect(value(text, "hookrelay_delivery_lag_seconds")).toBe(0);
  });

  it("reads open circuits and in-flight deliveries per scrape, keeping only endpoints with some in flight", async () => {
    const busy = Array.from({ length: IN_FLIGHT_TOP + 5 }, (_, i) => ({ endpointId: `ep_${i}`, count: 100 - i }));
    let next = { open: 2, halfOpen: 1, inFlight: busy };
    const metrics = createMetrics({ circuits: async () => next });
    let text = await metrics.registry.metrics();
    expect(value(text, 'hookrelay_endpoint_circuits{state="open"}')).toBe(2);
    expect(value(text, 'hookrelay_endpoint_circuits{state="half-open"}')).toBe(1);
    expect(value(text, "hookrelay_deliveries_in_flight")).toBe(busy.reduce((n, e) => n + e.count, 0));
    expect(value(text, 'hookrelay_endpoint_in_flight{endpoint="ep_0"}')).toBe(100);
    // Bounded: only the busiest IN_FLIGHT_TOP endpoints get a series.
    expect(text.match(/^hookrelay_endpoint_in_flight\{/gm)).toHaveLength(IN_FLIGHT_TOP);

    // An endpoint whose deliveries finished drops out of the series.
    next = { open: 0, halfOpen: 0, inFlight: [{ endpointId: "ep_3", count: 1 }] };
    text = await metrics.registry.metrics();
    expect(value(text, 'hookrelay_endpoint_in_flight{endpoint="ep_0"}')).toBeUndefined();
    expect(value(text, 'hookrelay_endpoint_in_flight{endpoint="ep_3"}')).toBe(1);
    expect(value(text, 'hookrelay_endpoint_circuits{state="open"}')).toBe(0);
  });

  it("names the default process metrics with the hookrelay_ prefix once", async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).toMatch(/^hookrelay_process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^hookrelay_nodejs_heap_size_used_bytes /m);
    expect(text).not.toMatch(/hookrelay_process_process_|hookrelay_process_nodejs_/);
  });
});
