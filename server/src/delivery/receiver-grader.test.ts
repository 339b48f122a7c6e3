import { afterAll, afterEach, describe, expect, it } from "vitest";

import { GRADE_CASE_IDS, type GradeReport } from "../lib/receiver-grade.js";
import { generateSecret } from "../lib/standard-webhooks.js";
import {
  correctReceiver,
  type Handler,
  header,
  type SampleReceiver,
  startSampleReceiver,
  timestampBlindReceiver,
  trustingReceiver,
} from "../test-support/sample-receivers.js";
import { createAddressPolicy } from "./address-policy.js";
import { DeliveryClient } from "./http-client.js";
import { buildGradeRequests, gradeReceiver, MAX_GRADE_REQUESTS } from "./receiver-grader.js";

const loopback = createAddressPolicy(["127.0.0.0/8"]);
const client = new DeliveryClient({ policy: loopback });
const receivers: SampleReceiver[] = [];
const limits = { requestTimeoutMs: 2_000, totalTimeoutMs: 10_000 };

async function grade(
  handler: Handler,
  secret: string,
  bounds = limits,
): Promise<GradeReport & { sent: number }> {
  const receiver = await startSampleReceiver(handler);
  receivers.push(receiver);
  const report = await gradeReceiver(client, { url: receiver.url, secret, ...bounds });
  return { ...report, sent: receiver.requests };
}

const misses = (r: GradeReport): string[] =>
  r.cases
    .filter((c) => !c.passed)
    .map((c) => c.id)
    .sort();

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(() => client.close());

describe("gradeReceiver", () => {
  it("scores a receiver verifying with the standardwebhooks package 100 %", async () => {
    const secret = generateSecret();
    const report = await grade(correctReceiver(secret), secret);
    expect(misses(report)).toEqual([]);
    expect(report).toMatchObject({ passed: 9, total: 9, percent: 100, caveat: null });
    expect(report.sent).toBe(MAX_GRADE_REQUESTS);
  });

  it("scores a receiver that skips verification low, naming every refusal it missed", async () => {
    const report = await grade(trustingReceiver, generateSecret());
    expect(misses(report)).toEqual(
      [
        "bad_signature",
        "future_timestamp",
        "missing_headers",
        "stale_timestamp",
        "v1a_only",
        "wrong_body",
      ].sort(),
    );
    expect(report.percent).toBe(33);
    const bad = report.cases.find((c) => c.id === "bad_signature")!;
    expect(bad).toMatchObject({ observed: "accepted", status: 200, expect: "reject" });
    expect(bad.fix).toMatch(/HMAC-SHA256/);
  });

  it("scores a receiver that ignores timestamps partially: the stale and future cases are the misses", async () => {
    const secret = generateSecret();
    const report = await grade(timestampBlindReceiver(secret), secret);
    expect(misses(report)).toEqual(["future_timestamp", "stale_timestamp"]);
    expect(report.percent).toBe(78);
    expect(report.cases.find((c) => c.id === "stale_timestamp")!.fix).toMatch(/5 minutes/);
  });

  it("warns that refusals prove little when the valid delivery is refused (wrong secret)", async () => {
    const report = await grade(correctReceiver(generateSecret()), generateSecret());
    expect(report.cases.find((c) => c.id === "valid")).toMatchObject({ passed: false, observed: "rejected" });
    expect(report.caveat).toMatch(/signing secret/);
  });

  it("counts 5xx and timeouts as wrong with their own note, and stops at the run's time limit", async () => {
    const secret = generateSecret();
    const verify = correctReceiver(secret);
    const report = await grade(
      (headers, body) =>
        header(headers, "webhook-signature").startsWith("v1a")
          ? "hang"
          : verify(headers, body) === 400
            ? 500
            : 200,
      secret,
      { requestTimeoutMs: 300, totalTimeoutMs: 5_000 },
    );
    expect(report.cases.find((c) => c.id === "bad_signature")).toMatchObject({
      observed: "server_error",
      status: 500,
      passed: false,
    });
    expect(report.cases.find((c) => c.id === "bad_signature")!.note).toMatch(/4xx/);
    expect(report.cases.find((c) => c.id === "v1a_only")).toMatchObject({
      observed: "timeout",
      status: null,
      passed: false,
    });

    const slow = await grade(() => "hang", secret, { requestTimeoutMs: 200, totalTimeoutMs: 500 });
    expect(slow.cases.filter((c) => c.observed === "not_run").length).toBeGreaterThan(0);
    expect(slow.sent).toBeLessThan(MAX_GRADE_REQUESTS);
    expect(slow.durationMs).toBeLessThan(2_000);
  });

  it("refuses a private address unless HOOKRELAY_ALLOW_PRIVATE_NETWORKS allows it, sending nothing", async () => {
    const secret = generateSecret();
    const receiver = await startSampleReceiver(correctReceiver(secret));
    receivers.push(receiver);
    const guarded = new DeliveryClient({ policy: createAddressPolicy([]) });
    try {
      await expect(gradeReceiver(guarded, { url: receiver.url, secret, ...limits })).rejects.toMatchObject({
        code: "ESSRF",
        message: expect.stringMatching(/HOOKRELAY_ALLOW_PRIVATE_NETWORKS/),
      });
      const byName = receiver.url.replace("127.0.0.1", "localhost");
      await expect(gradeReceiver(guarded, { url: byName, secret, ...limits })).rejects.toMatchObject({
        code: "ESSRF",
      });
      expect(receiver.requests).toBe(0);
    } finally {
      await guarded.close();
    }
  });
});

describe("buildGradeRequests", () => {
  it("replays the valid request byte for byte and gives every other case its own id", () => {
    const requests = buildGradeRequests(generateSecret(), Date.now(), {
      authorization: "Bearer x",
      "webhook-id": "forged",
    });
    expect(requests.map((r) => r.id)).toEqual([...GRADE_CASE_IDS]);
    const [valid, replay, ...rest] = requests;
    expect(replay!.headers).toEqual(valid!.headers);
    expect(replay!.body).toBe(valid!.body);
    expect(valid!.headers.authorization).toBe("Bearer x");
    const ids = rest.map((r) => r.headers["webhook-id"]).filter(Boolean);
    expect(new Set([valid!.headers["webhook-id"], ...ids]).size).toBe(ids.length + 1);
    const missing = requests.find((r) => r.id === "missing_headers")!;
    expect(Object.keys(missing.headers).filter((h) => /^(webhook|svix)-/.test(h))).toEqual([]);
    expect(missing.headers).toMatchObject({ "content-type": "application/json", authorization: "Bearer x" });
    expect(
      requests.find((r) => r.id === "rotated_keys")!.headers["webhook-signature"]!.split(" "),
    ).toHaveLength(2);
  });
});
