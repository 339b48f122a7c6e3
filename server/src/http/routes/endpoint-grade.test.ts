import { afterEach, expect, it } from "vitest";

import { type ConfigInput, loadConfig } from "../../config/config.js";
import { createGradeSender, type GradeSender } from "../../delivery/receiver-grader.js";
import type { GradeReport } from "../../lib/receiver-grade.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";
import {
  correctReceiver,
  type Handler,
  type SampleReceiver,
  startSampleReceiver,
  timestampBlindReceiver,
  trustingReceiver,
} from "../../test-support/sample-receivers.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
// A host name the test's resolver maps to loopback: endpoints may name hosts (the guard judges
// the address at connect time), so only the grader's guard stands between it and 127.0.0.1.
const HOST = "receiver.grade.test";

/**
 * `POST …/endpoint/{id}/grade` against real receivers on loopback, wired as main.ts wires it:
 * a grade sender built from the app's config (HOOKRELAY_ALLOW_PRIVATE_NETWORKS and the bounds).
 */
describeEachStore("endpoint grading on %s", (kind) => {
  let t: TestApp | undefined;
  let sender: GradeSender | undefined;
  const receivers: SampleReceiver[] = [];
  afterEach(async () => {
    await t?.close();
    await sender?.close();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    t = sender = undefined;
  });

  async function setup(overrides: ConfigInput = {}): Promise<TestApp> {
    const config = loadConfig({}, overrides);
    sender = createGradeSender({
      allowCidrs: config.allowPrivateNetworks,
      requestTimeoutMs: config.gradeRequestTimeoutMs,
      totalTimeoutMs: config.gradeTotalTimeoutMs,
      resolve: async (hostname) => (hostname === HOST ? [{ address: "127.0.0.1", family: 4 }] : []),
    });
    const grader = sender;
    t = await startTestApp(overrides, kind, { gradeReceiver: (target) => grader.grade(target) });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/app",
      headers: t.auth,
      payload: { name: "Grades", uid: "grades" },
    });
    expect(res.statusCode).toBe(201);
    return t;
  }

  async function endpointFor(handler: Handler): Promise<{ id: string; receiver: SampleReceiver }> {
    const receiver = await startSampleReceiver(handler);
    receivers.push(receiver);
    const url = receiver.url.replace("127.0.0.1", HOST);
    const res = await t!.app.inject({
      method: "POST",
      url: "/api/v1/app/grades/endpoint",
      headers: t!.auth,
      payload: { url, secret: SECRET },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json<{ id: string }>().id, receiver };
  }

  const grade = (endpointId: string) =>
    t!.app.inject({
      method: "POST",
      url: `/api/v1/app/grades/endpoint/${endpointId}/grade`,
      headers: t!.auth,
    });

  const misses = (r: GradeReport) =>
    r.cases
      .filter((c) => !c.passed)
      .map((c) => c.id)
      .sort();

  it("grades three receivers: 100 % for the correct one, low and partial with the misses named, each run audited", async () => {
    await setup({ allowPrivateNetworks: "127.0.0.0/8" });
    const correct = await endpointFor(correctReceiver(SECRET));
    const trusting = await endpointFor(trustingReceiver);
    const blind = await endpointFor(timestampBlindReceiver(SECRET));

    const good = await grade(correct.id);
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json<GradeReport>()).toMatchObject({ passed: 9, total: 9, percent: 100, caveat: null });
    expect(correct.receiver.requests).toBe(9);

    const low = (await grade(trusting.id)).json<GradeReport>();
    expect(low.percent).toBe(33);
    expect(misses(low)).toEqual([
      "bad_signature",
      "future_timestamp",
      "missing_headers",
      "stale_timestamp",
      "v1a_only",
      "wrong_body",
    ]);
    expect(low.cases.every((c) => c.fix.length > 0)).toBe(true);

    const partial = (await grade(blind.id)).json<GradeReport>();
    expect(partial.percent).toBe(78);
    expect(misses(partial)).toEqual(["future_timestamp", "stale_timestamp"]);

    const audit = await t!.store.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "endpoint.grade")
      .orderBy("seq")
      .execute();
    expect(audit.map((row) => row.resource_id)).toEqual([correct.id, trusting.id, blind.id]);
    expect(audit.map((row) => JSON.parse(row.changes).grade.after.passed)).toEqual([9, 3, 7]);
    expect(JSON.stringify(audit)).not.toContain(SECRET.slice(6));
  });

  it("runs one grading at a time per endpoint (409 for the second), each within its time limit", async () => {
    await setup({
      allowPrivateNetworks: "127.0.0.0/8",
      gradeRequestTimeoutMs: 200,
      gradeTotalTimeoutMs: 500,
    });
    const { id } = await endpointFor(() => "hang");
    const [a, b] = await Promise.all([grade(id), grade(id)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const report = (a.statusCode === 200 ? a : b).json<GradeReport>();
    expect(report.passed).toBe(0);
    expect(report.cases[0]).toMatchObject({ observed: "timeout", status: null });
    expect(report.cases.at(-1)).toMatchObject({ observed: "not_run" });
    expect(report.durationMs).toBeLessThan(1_500);
  });

  it("refuses a private address unless HOOKRELAY_ALLOW_PRIVATE_NETWORKS allows it, sending nothing", async () => {
    await setup();
    const { id, receiver } = await endpointFor(correctReceiver(SECRET));
    const res = await grade(id);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: "endpoint_address_refused",
      detail: expect.stringMatching(/HOOKRELAY_ALLOW_PRIVATE_NETWORKS/),
    });
    expect(receiver.requests).toBe(0);
    const rows = await t!.store.db
      .selectFrom("audit_log")
      .select("action")
      .where("action", "=", "endpoint.grade")
      .execute();
    expect(rows).toEqual([]);
  });

  it("answers 404 for an unknown endpoint and 503 where no grader is wired", async () => {
    await setup({ allowPrivateNetworks: "127.0.0.0/8" });
    expect((await grade("ep_missing")).statusCode).toBe(404);
    // Endpoints signed otherwise than Standard Webhooks HMAC are refused before anything is sent.
    for (const payload of [{ signatureAlgorithm: "ed25519" }, { signatureScheme: "x-webhook-signature" }]) {
      const other = await t!.app.inject({ method: "POST", url: "/api/v1/app/grades/endpoint", headers: t!.auth, payload: { url: "https://example.com/hook", ...payload } });
      const refused = await grade(other.json<{ id: string }>().id);
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ code: "grading_unsupported_scheme" });
    }
    const bare = await startTestApp({ allowPrivateNetworks: "127.0.0.0/8" }, kind);
    try {
      await bare.app.inject({
        method: "POST",
        url: "/api/v1/app",
        headers: bare.auth,
        payload: { name: "G", uid: "grades" },
      });
      const created = await bare.app.inject({
        method: "POST",
        url: "/api/v1/app/grades/endpoint",
        headers: bare.auth,
        payload: { url: "https://example.com/hook" },
      });
      const res = await bare.app.inject({
        method: "POST",
        url: `/api/v1/app/grades/endpoint/${created.json<{ id: string }>().id}/grade`,
        headers: bare.auth,
      });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: "grading_unavailable" });
    } finally {
      await bare.close();
    }
  });
});
