import { createHmac, randomUUID } from "node:crypto";

import { afterEach, expect, it } from "vitest";

import { createMetrics } from "../../lib/metrics.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

const SECRET = "github_webhook_secret";

/** `hookrelay_inbound_requests_total{provider,source,outcome}` as `/metrics` serves it, after real ingest calls. */
describeEachStore("inbound request metrics on %s", (kind) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("counts each call by provider, source and outcome, never by the path's text", async () => {
    t = await startTestApp({}, kind, { metrics: createMetrics() });
    const app = t.app;
    const auth = t.auth;
    expect((await app.inject({ method: "POST", url: "/api/v1/app", headers: auth, payload: { name: "M", uid: "m" } })).statusCode).toBe(201);
    const created = await app.inject({
      method: "POST",
      url: "/api/v1/app/m/source",
      headers: auth,
      payload: { name: "gh", provider: "github", config: { secret: SECRET } },
    });
    expect(created.statusCode).toBe(201);
    const source = created.json<{ id: string }>().id;

    const send = (body: string, delivery: string, secret = SECRET, url = `/ingest/${source}`) =>
      app.inject({
        method: "POST",
        url,
        payload: body,
        headers: {
          "content-type": "application/json",
          "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
          "x-github-event": "pull_request",
          "x-github-delivery": delivery,
        },
      });
    const body = JSON.stringify({ action: "opened", number: 1 });
    const delivery = randomUUID();
    expect((await send(body, delivery)).statusCode).toBe(200);
    expect((await send(body, delivery)).json()).toMatchObject({ status: "duplicate" });
    expect((await send(body, randomUUID(), "not-the-secret")).statusCode).toBe(401);
    expect((await send(body, randomUUID(), SECRET, "/ingest/src_nothing_here")).statusCode).toBe(404);
    expect((await send(body, randomUUID(), SECRET, "/webhooks/made-up-provider/m")).statusCode).toBe(404);

    const text = (await app.inject({ url: "/metrics" })).body;
    const count = (labels: string): number | undefined => {
      const line = text.split("\n").find((l) => l.startsWith(`hookrelay_inbound_requests_total{${labels}} `));
      return line === undefined ? undefined : Number(line.split(" ")[1]);
    };
    const src = `source="${source}"`;
    expect(count(`provider="github",${src},outcome="accepted"`)).toBe(1);
    expect(count(`provider="github",${src},outcome="duplicate"`)).toBe(1);
    expect(count(`provider="github",${src},outcome="invalid_signature"`)).toBe(1);
    expect(count('provider="unknown",source="unknown",outcome="not_found"')).toBe(2);
    expect(text).not.toContain("src_nothing_here");
    expect(text).not.toContain("made-up-provider");
    expect(text).toMatch(/^hookrelay_process_cpu_user_seconds_total /m);
  });
});
