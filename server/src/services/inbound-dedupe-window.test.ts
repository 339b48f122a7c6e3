import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";

import { startTestApp, type TestApp } from "../test-support/harness.js";
import { describeEachStore } from "../test-support/postgres.js";

const HOUR = 3_600_000;
const SECRET = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;

/**
 * The inbound de-duplication window is 24 hours, pinned at both edges: a provider's redelivery
 * of the same signed event just inside it is a duplicate, one just past it is accepted again.
 * Only `Date` is faked, so sockets and timers run for real.
 */
describeEachStore("inbound de-duplication window on %s", (kind) => {
  let t: TestApp;
  let sourceId: string;
  const signer = new Webhook(SECRET);

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    await t.app.inject({ method: "POST", url: "/api/v1/app", headers: t.auth, payload: { name: "w", uid: "window" } });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/app/window/source",
      headers: t.auth,
      payload: { name: "sw", provider: "standard-webhooks", config: { secret: SECRET } },
    });
    expect(res.statusCode).toBe(201);
    sourceId = res.json().id;
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await t.close();
  });

  /** The provider (re)sends event `id`, signed now, as providers sign each retry afresh. */
  async function send(id: string): Promise<string> {
    const body = JSON.stringify({ type: "invoice.paid", data: { id } });
    const now = new Date();
    const res = await t.app.inject({
      method: "POST",
      url: `/ingest/${sourceId}`,
      payload: body,
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": signer.sign(id, now, body),
      },
    });
    expect(res.statusCode).toBe(200);
    return (res.json() as { status: string }).status;
  }

  it("is a duplicate one minute before 24 h and accepted one minute after", async () => {
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    expect(await send("evt_window")).toBe("accepted");
    vi.setSystemTime(start + HOUR);
    expect(await send("evt_window")).toBe("duplicate");
    vi.setSystemTime(start + 24 * HOUR - 60_000);
    expect(await send("evt_window")).toBe("duplicate");
    vi.setSystemTime(start + 24 * HOUR + 60_000);
    expect(await send("evt_window")).toBe("accepted");
    // The accepted copy opens a new window of its own.
    vi.setSystemTime(start + 25 * HOUR);
    expect(await send("evt_window")).toBe("duplicate");
  });
});
