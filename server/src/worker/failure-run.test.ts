import { Writable } from "node:stream";

import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";

import { FailureRun } from "./failure-run.js";

/** A real pino logger writing JSON lines into an array. */
function captured() {
  const lines: { level: number; msg: string; failures?: number }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { lines, logger: pino({ level: "info" }, stream) };
}

describe("FailureRun", () => {
  afterEach(() => vi.useRealTimers());

  it("logs the start of a run, then at most once per interval, then its end", () => {
    vi.useFakeTimers({ now: 0 });
    const { lines, logger } = captured();
    const run = new FailureRun("claiming deliveries", 30_000);
    expect(run.failed(new Error("down"), logger)).toBe(1);
    vi.setSystemTime(10_000);
    expect(run.failed(new Error("down"), logger)).toBe(2);
    vi.setSystemTime(30_000);
    expect(run.failed(new Error("down"), logger)).toBe(3);
    run.succeeded(logger);
    run.succeeded(logger);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, "claiming deliveries failed; retrying with backoff"],
      [50, "claiming deliveries still failing"],
      [30, "claiming deliveries works again"],
    ]);
    expect(lines[1]!.failures).toBe(3);
    // A new run starts counting from one.
    expect(run.failed(new Error("down"), logger)).toBe(1);
  });
});
