import { MessageStatus, Svix } from "svix";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { idAt, idTime, newId } from "../../lib/ids.js";
import { type AttemptRow, type DeliveryRow, DeliveryStatus, type MessageRow } from "../../store/schema.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";
import { runTasksToEnd } from "../../test-support/run-tasks.js";

let t: TestApp;

// JSON answers are checked by expect(), not by the type system.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

async function request(
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Body | undefined; headers: Record<string, unknown> }> {
  const res = await t.app.inject({
    method,
    url,
    headers: { ...t.auth, ...headers },
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: res.statusCode, body: res.body ? (res.json() as Body) : undefined, headers: res.headers };
}

async function ok(
  method: "GET" | "POST" | "PATCH",
  url: string,
  payload?: object,
  expected = method === "GET" ? 200 : 202,
): Promise<Body> {
  const res = await request(method, url, payload);
  expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(expected);
  return res.body!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let counter = 0;

/** App A with two endpoints (one filtered to invoice.*) and app B with one endpoint. */
async function world() {
  const n = ++counter;
  const a = await ok("POST", "/api/v1/app", { name: "A", uid: `a-${n}` }, 201);
  const b = await ok("POST", "/api/v1/app", { name: "B", uid: `b-${n}` }, 201);
  const ep1 = await ok(
    "POST",
    `/api/v1/app/${a.id}/endpoint`,
    { url: "https://a.example.com/1", uid: "one" },
    201,
  );
  const ep2 = await ok(
    "POST",
    `/api/v1/app/${a.id}/endpoint`,
    { url: "https://a.example.com/2", filterTypes: ["invoice.paid", "invoice.sent"] },
    201,
  );
  const epB = await ok("POST", `/api/v1/app/${b.id}/endpoint`, { url: "https://b.example.com/1" }, 201);
  return {
    a: a.id as string,
    b: b.id as string,
    ep1: ep1.id as string,
    ep2: ep2.id as string,
    epB: epB.id as string,
  };
}

/** Creates a message and runs the worker's fan-out step (no worker runs here), so its deliveries exist. */
async function send(appId: string, body: Body = {}): Promise<Body> {
  const out = await ok("POST", `/api/v1/app/${appId}/msg`, { eventType: "invoice.paid", payload: { n: 1 }, ...body });
  await t.expand();
  return out;
}

async function delivery(msgId: string, endpointId: string): Promise<DeliveryRow | undefined> {
  return t.store.db
    .selectFrom("deliveries")
    .selectAll()
    .where("msg_id", "=", msgId)
    .where("endpoint_id", "=", endpointId)
    .executeTakeFirst();
}

async function setDelivery(msgId: string, endpointId: string, values: Partial<DeliveryRow>): Promise<void> {
  await t.store.db
    .updateTable("deliveries")
    .set(values)
    .where("msg_id", "=", msgId)
    .where("endpoint_id", "=", endpointId)
    .execute();
}

/** Records an attempt as the worker would, and moves the delivery to the attempt's outcome. */
async function attempt(
  msgId: string,
  endpointId: string,
  fields: Partial<AttemptRow> = {},
): Promise<AttemptRow> {
  const d = await delivery(msgId, endpointId);
  if (!d) throw new Error("no delivery");
  const row: AttemptRow = {
    id: newId("atmpt"),
    delivery_id: d.id,
    msg_id: msgId,
    app_id: d.app_id,
    endpoint_id: endpointId,
    url: "https://a.example.com/1",
    status: DeliveryStatus.success,
    response_status_code: 200,
    response: '{"ok":true}',
    response_duration_ms: 12,
    trigger_type: 0,
    created_at: Date.now(),
    ...fields,
  };
  await t.store.db.insertInto("attempts").values(row).execute();
  await setDelivery(msgId, endpointId, {
    status: row.status,
    due_at: null,
    attempt_count: d.attempt_count + 1,
    last_attempt_at: row.created_at,
    last_status_code: row.response_status_code,
  });
  return row;
}

const iso = (ms: number) => new Date(ms).toISOString();

describeEachStore("on %s", (kind) => {
  beforeAll(async () => {
    t = await startTestApp({}, kind);
  });

  afterAll(async () => {
    await t.close();
  });

  describe("list attempts by message", () => {
    it("lists newest first with Svix's fields, and hides or adds content on request", async () => {
      const w = await world();
      const msg = await send(w.a);
      const first = await attempt(msg.id, w.ep1, {
        status: DeliveryStatus.fail,
        response_status_code: 500,
        response: "boom",
      });
      const second = await attempt(msg.id, w.ep1, { trigger_type: 1 });

      const page = await ok("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}`);
      expect(page.done).toBe(true);
      expect(page.data.map((x: Body) => x.id)).toEqual([second.id, first.id]);
      expect(page.data[1]).toEqual({
        id: first.id,
        msgId: msg.id,
        endpointId: w.ep1,
        url: "https://a.example.com/1",
        response: "boom",
        responseStatusCode: 500,
        responseDurationMs: 12,
        status: 2,
        statusText: "fail",
        triggerType: 0,
        timestamp: iso(first.created_at),
      });
      expect(page.data[0]).toMatchObject({ status: 0, statusText: "success", triggerType: 1 });
      expect(page.data[0].msg).toBeUndefined();

      const bare = await ok("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?with_content=false`);
      expect(bare.data.map((x: Body) => x.response)).toEqual(["{}", "{}"]);

      const withMsg = await ok(
        "GET",
        `/api/v1/app/${w.a}/attempt/msg/${msg.id}?with_msg=true&expanded_statuses=true`,
      );
      expect(withMsg.data[0].msg).toMatchObject({ id: msg.id, eventType: "invoice.paid", payload: { n: 1 } });
      const withMsgBare = await ok(
        "GET",
        `/api/v1/app/${w.a}/attempt/msg/${msg.id}?with_msg=true&with_content=false`,
      );
      expect(withMsgBare.data[0].msg.payload).toEqual({});
    });

    it("accepts the message's eventId in the path", async () => {
      const w = await world();
      const msg = await send(w.a, { eventId: "evt-1" });
      const a1 = await attempt(msg.id, w.ep1);
      const page = await ok("GET", `/api/v1/app/${w.a}/attempt/msg/evt-1`);
      expect(page.data.map((x: Body) => x.id)).toEqual([a1.id]);
    });

    it("filters by status, status code class, endpoint (id or uid) and time", async () => {
      const w = await world();
      const msg = await send(w.a);
      const base = Date.now() - 60_000;
      // Attempts a second apart; idAt gives the id an attempt made at that instant would sort as.
      const at = (s: number) => ({
        id: idAt("atmpt", new Date(base + s * 1000)),
        created_at: base + s * 1000,
      });
      const ok1 = await attempt(msg.id, w.ep1, { ...at(1) });
      const f4 = await attempt(msg.id, w.ep1, { ...at(2), status: 2, response_status_code: 404 });
      const f0 = await attempt(msg.id, w.ep2, {
        ...at(3),
        status: 2,
        response_status_code: 0,
        url: "https://a.example.com/2",
      });
      const f5 = await attempt(msg.id, w.ep2, {
        ...at(4),
        status: 2,
        response_status_code: 503,
        url: "https://a.example.com/2",
      });

      const ids = async (query: string) =>
        (await ok("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?${query}`)).data.map((x: Body) => x.id);
      expect(await ids("status=0")).toEqual([ok1.id]);
      expect(await ids("status=2")).toEqual([f5.id, f0.id, f4.id]);
      expect(await ids("status_code_class=0")).toEqual([f0.id]);
      expect(await ids("status_code_class=200")).toEqual([ok1.id]);
      expect(await ids("status_code_class=400")).toEqual([f4.id]);
      expect(await ids("status_code_class=500")).toEqual([f5.id]);
      expect(await ids(`endpoint_id=${w.ep2}`)).toEqual([f5.id, f0.id]);
      expect(await ids("endpoint_id=one")).toEqual([f4.id, ok1.id]);
      expect(await ids(`before=${iso(base + 3000)}`)).toEqual([f4.id, ok1.id]);
      expect(await ids(`after=${iso(base + 2000)}`)).toEqual([f5.id, f0.id]);
      expect(await ids(`after=${iso(base + 1000)}&before=${iso(base + 4000)}`)).toEqual([f0.id, f4.id]);

      // An endpoint of another application is not a filter, it is a 404.
      expect(
        (await request("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?endpoint_id=${w.epB}`)).status,
      ).toBe(404);
      expect((await request("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?status=9`)).status).toBe(422);
      expect((await request("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?status=`)).status).toBe(422);
      expect(
        (await request("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?status_code_class=250`)).status,
      ).toBe(422);
      expect((await request("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?before=yesterday`)).status).toBe(
        422,
      );
    });

    it("pages with iterator and prevIterator", async () => {
      const w = await world();
      const msg = await send(w.a);
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await attempt(msg.id, w.ep1)).id);
      const newest = [...made].reverse();

      const p1 = await ok("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?limit=2`);
      expect(p1.data.map((x: Body) => x.id)).toEqual(newest.slice(0, 2));
      expect(p1.done).toBe(false);
      const p2 = await ok("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?limit=2&iterator=${p1.iterator}`);
      expect(p2.data.map((x: Body) => x.id)).toEqual(newest.slice(2, 4));
      const p3 = await ok("GET", `/api/v1/app/${w.a}/attempt/msg/${msg.id}?limit=2&iterator=${p2.iterator}`);
      expect(p3.data.map((x: Body) => x.id)).toEqual(newest.slice(4));
      expect(p3.done).toBe(true);
      const back = await ok(
        "GET",
        `/api/v1/app/${w.a}/attempt/msg/${msg.id}?limit=2&iterator=${p2.prevIterator}`,
      );
      expect(back.data.map((x: Body) => x.id)).toEqual(newest.slice(0, 2));
    });

    it("answers 404 for a message of another application or an unknown one", async () => {
      const w = await world();
      const msg = await send(w.a);
      await attempt(msg.id, w.ep1);
      const res = await request("GET", `/api/v1/app/${w.b}/attempt/msg/${msg.id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: "not_found" });
      expect((await request("GET", `/api/v1/app/${w.a}/attempt/msg/msg_nope`)).status).toBe(404);
      expect((await request("GET", `/api/v1/app/app_nope/attempt/msg/${msg.id}`)).status).toBe(404);
    });
  });

  describe("list attempts by endpoint", () => {
    it("lists the endpoint's attempts and filters on the message's type, channel and tag", async () => {
      const w = await world();
      const paid = await send(w.a, { eventType: "invoice.paid", channels: ["eu"], tags: ["vip"] });
      const sent = await send(w.a, { eventType: "invoice.sent", channels: ["us"] });
      const other = await send(w.a, { eventType: "user.created", channels: ["eu-x"] });
      const aPaid = await attempt(paid.id, w.ep1);
      const aSent = await attempt(sent.id, w.ep1);
      const aOther = await attempt(other.id, w.ep1);
      await attempt(paid.id, w.ep2, { url: "https://a.example.com/2" });

      const ids = async (query: string) =>
        (await ok("GET", `/api/v1/app/${w.a}/attempt/endpoint/${w.ep1}?${query}`)).data.map(
          (x: Body) => x.id,
        );
      expect(await ids("")).toEqual([aOther.id, aSent.id, aPaid.id]);
      expect(await ids("event_types=invoice.paid,invoice.sent")).toEqual([aSent.id, aPaid.id]);
      expect(await ids("event_types=invoice.sent&event_types=user.created")).toEqual([aOther.id, aSent.id]);
      expect(await ids("channel=eu")).toEqual([aPaid.id]);
      // `_` is a LIKE wildcard: unescaped, "eu_x" would match the stored "eu-x".
      expect(await ids("channel=eu_x")).toEqual([]);
      expect(await ids("channel=eu-x")).toEqual([aOther.id]);
      expect(await ids("tag=vip")).toEqual([aPaid.id]);
      expect(await ids("channel=eu&event_types=invoice.sent")).toEqual([]);
      expect(await ids("with_msg=true")).toHaveLength(3);
      // The endpoint's uid works in the path too.
      expect((await ok("GET", `/api/v1/app/${w.a}/attempt/endpoint/one`)).data).toHaveLength(3);
    });

    it("answers 404 for an endpoint reached through another application", async () => {
      const w = await world();
      expect((await request("GET", `/api/v1/app/${w.b}/attempt/endpoint/${w.ep1}`)).status).toBe(404);
      expect((await request("GET", `/api/v1/app/${w.a}/attempt/endpoint/${w.epB}`)).status).toBe(404);
      expect((await request("GET", `/api/v1/app/${w.a}/attempt/endpoint/ep_nope`)).status).toBe(404);
    });
  });

  describe("get and expunge one attempt", () => {
    it("gets an attempt and replaces its response body on expunge", async () => {
      const w = await world();
      const msg = await send(w.a);
      const a1 = await attempt(msg.id, w.ep1, { response: "secret stuff" });
      const url = `/api/v1/app/${w.a}/msg/${msg.id}/attempt/${a1.id}`;
      expect(await ok("GET", url)).toMatchObject({
        id: a1.id,
        response: "secret stuff",
        statusText: "success",
      });

      const del = await request("DELETE", `${url}/content`);
      expect(del.status).toBe(204);
      expect(del.body).toBeUndefined();
      expect((await ok("GET", url)).response).toBe("EXPUNGED");
    });

    it("answers 404 for a wrong message, attempt or application", async () => {
      const w = await world();
      const msg = await send(w.a);
      const other = await send(w.a);
      const a1 = await attempt(msg.id, w.ep1);
      expect((await request("GET", `/api/v1/app/${w.a}/msg/${other.id}/attempt/${a1.id}`)).status).toBe(404);
      expect((await request("GET", `/api/v1/app/${w.a}/msg/${msg.id}/attempt/atmpt_nope`)).status).toBe(404);
      expect((await request("GET", `/api/v1/app/${w.b}/msg/${msg.id}/attempt/${a1.id}`)).status).toBe(404);
      expect(
        (await request("DELETE", `/api/v1/app/${w.b}/msg/${msg.id}/attempt/${a1.id}/content`)).status,
      ).toBe(404);
      expect((await ok("GET", `/api/v1/app/${w.a}/msg/${msg.id}/attempt/${a1.id}`)).response).not.toBe(
        "EXPUNGED",
      );
    });
  });

  describe("attempted destinations and attempted messages", () => {
    it("lists the endpoints a message went to, with the delivery state", async () => {
      const w = await world();
      const msg = await send(w.a);
      await attempt(msg.id, w.ep1, { status: DeliveryStatus.fail, response_status_code: 500 });
      const retryAt = Date.now() + 60_000;
      await setDelivery(msg.id, w.ep1, { status: DeliveryStatus.pending, due_at: retryAt });
      await attempt(msg.id, w.ep2, { url: "https://a.example.com/2" });

      const page = await ok("GET", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint`);
      expect(page.done).toBe(true);
      const byId = new Map<string, Body>(page.data.map((x: Body) => [x.id as string, x]));
      expect(byId.get(w.ep1)).toMatchObject({
        id: w.ep1,
        uid: "one",
        url: "https://a.example.com/1",
        disabled: false,
        status: 1,
        statusText: "pending",
        nextAttempt: iso(retryAt),
        version: 1,
      });
      expect(byId.get(w.ep1)!.secret).toBeUndefined();
      expect(byId.get(w.ep2)).toMatchObject({
        status: 0,
        statusText: "success",
        nextAttempt: null,
        filterTypes: ["invoice.paid", "invoice.sent"],
      });

      // Newest endpoint first, one per page.
      const p1 = await ok("GET", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint?limit=1`);
      expect(p1.data.map((x: Body) => x.id)).toEqual([w.ep2]);
      expect(p1.done).toBe(false);
      const p2 = await ok("GET", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint?limit=1&iterator=${p1.iterator}`);
      expect(p2.data.map((x: Body) => x.id)).toEqual([w.ep1]);

      expect((await request("GET", `/api/v1/app/${w.b}/msg/${msg.id}/endpoint`)).status).toBe(404);
    });

    it("lists the messages sent to an endpoint, with filters and paging", async () => {
      const w = await world();
      const m1 = await send(w.a, { channels: ["eu"] });
      await sleep(3);
      const m2 = await send(w.a, { eventType: "user.created", tags: ["vip"] });
      await sleep(3);
      const m3 = await send(w.a);
      await attempt(m1.id, w.ep1);
      await attempt(m2.id, w.ep1, { status: DeliveryStatus.fail, response_status_code: 500 });

      const url = `/api/v1/app/${w.a}/endpoint/${w.ep1}/msg`;
      const all = await ok("GET", url);
      expect(all.data.map((x: Body) => x.id)).toEqual([m3.id, m2.id, m1.id]);
      expect(all.data[0]).toMatchObject({
        id: m3.id,
        eventType: "invoice.paid",
        payload: { n: 1 },
        status: 1,
        statusText: "pending",
        timestamp: m3.timestamp,
      });
      expect(typeof all.data[0].nextAttempt).toBe("string");
      expect(all.data[1]).toMatchObject({ status: 2, statusText: "fail", nextAttempt: null });

      const ids = async (query: string) => (await ok("GET", `${url}?${query}`)).data.map((x: Body) => x.id);
      expect(await ids("status=2")).toEqual([m2.id]);
      expect(await ids("channel=eu")).toEqual([m1.id]);
      expect(await ids("tag=vip")).toEqual([m2.id]);
      expect(await ids("event_types=invoice.paid")).toEqual([m3.id, m1.id]);
      expect(await ids(`before=${iso(idTime(m2.id)!)}`)).toEqual([m1.id]);
      expect(await ids(`after=${iso(idTime(m2.id)! - 1)}`)).toEqual([m3.id, m2.id]);
      expect((await ok("GET", `${url}?with_content=false`)).data[0].payload).toEqual({});

      const p1 = await ok("GET", `${url}?limit=2`);
      expect(p1.data.map((x: Body) => x.id)).toEqual([m3.id, m2.id]);
      const p2 = await ok("GET", `${url}?limit=2&iterator=${p1.iterator}`);
      expect(p2.data.map((x: Body) => x.id)).toEqual([m1.id]);
      expect(p2.done).toBe(true);

      // ep2 filters on invoice.* only: it never got user.created.
      expect(
        (await ok("GET", `/api/v1/app/${w.a}/endpoint/${w.ep2}/msg`)).data.map((x: Body) => x.id),
      ).toEqual([m3.id, m1.id]);
      expect((await request("GET", `/api/v1/app/${w.b}/endpoint/${w.ep1}/msg`)).status).toBe(404);
    });
  });

  describe("resend", () => {
    it("puts a finished delivery back in the queue as a manual attempt and wakes the worker", async () => {
      const w = await world();
      const msg = await send(w.a);
      await attempt(msg.id, w.ep1, { status: DeliveryStatus.fail, response_status_code: 500 });
      await t.wakeup.wait(0); // consume the wake-up of the message itself

      const before = Date.now();
      const res = await request("POST", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint/${w.ep1}/resend`);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({});
      const d = (await delivery(msg.id, w.ep1))!;
      expect(d).toMatchObject({
        status: DeliveryStatus.pending,
        next_trigger: 1,
        lease_owner: null,
        attempt_count: 1,
      });
      expect(d.due_at).toBeGreaterThanOrEqual(before);
      expect(d.due_at).toBeLessThanOrEqual(Date.now());

      const woke = await Promise.race([
        t.wakeup.wait(5_000).then(() => true),
        sleep(1_000).then(() => false),
      ]);
      expect(woke).toBe(true);
    });

    it("creates the delivery for an endpoint the message was never routed to", async () => {
      const w = await world();
      const msg = await send(w.a, { eventType: "user.created" }); // ep2 only takes invoice.*
      expect(await delivery(msg.id, w.ep2)).toBeUndefined();
      await ok("POST", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint/${w.ep2}/resend`);
      expect(await delivery(msg.id, w.ep2)).toMatchObject({
        app_id: w.a,
        status: DeliveryStatus.pending,
        next_trigger: 1,
        attempt_count: 0,
        created_at: createdAt(msg),
      });
    });

    it("re-queues a delivery being sent after the attempt in flight", async () => {
      const w = await world();
      const msg = await send(w.a);
      const leaseUntil = Date.now() + 30_000;
      await setDelivery(msg.id, w.ep1, {
        status: DeliveryStatus.sending,
        lease_owner: "worker-1",
        due_at: leaseUntil,
      });
      await ok("POST", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint/${w.ep1}/resend`);
      expect(await delivery(msg.id, w.ep1)).toMatchObject({
        status: DeliveryStatus.pending,
        next_trigger: 1,
        lease_owner: null,
        due_at: leaseUntil,
      });

      // A lease that already expired (a crashed worker) is no reason to wait.
      await setDelivery(msg.id, w.ep1, {
        status: DeliveryStatus.sending,
        lease_owner: "worker-1",
        due_at: Date.now() - 1,
      });
      const before = Date.now();
      await ok("POST", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint/${w.ep1}/resend`);
      expect((await delivery(msg.id, w.ep1))!.due_at).toBeGreaterThanOrEqual(before);
    });

    it("answers 404 for unknown or foreign messages and endpoints, 400 for an expunged payload", async () => {
      const w = await world();
      const msg = await send(w.a);
      const msgB = await send(w.b);
      const status = async (url: string) => (await request("POST", url)).status;
      expect(await status(`/api/v1/app/${w.a}/msg/msg_nope/endpoint/${w.ep1}/resend`)).toBe(404);
      expect(await status(`/api/v1/app/${w.a}/msg/${msg.id}/endpoint/ep_nope/resend`)).toBe(404);
      expect(await status(`/api/v1/app/${w.a}/msg/${msg.id}/endpoint/${w.epB}/resend`)).toBe(404);
      expect(await status(`/api/v1/app/${w.a}/msg/${msgB.id}/endpoint/${w.ep1}/resend`)).toBe(404);
      expect(await status(`/api/v1/app/${w.b}/msg/${msg.id}/endpoint/${w.epB}/resend`)).toBe(404);
      expect(await delivery(msg.id, w.epB)).toBeUndefined();

      await request("DELETE", `/api/v1/app/${w.a}/msg/${msg.id}/content`);
      const res = await request("POST", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint/${w.ep1}/resend`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "missing_payload" });
    });

    it("answers 400 endpoint_disabled for a disabled endpoint and leaves the delivery as it was", async () => {
      const w = await world();
      const msg = await send(w.a);
      await attempt(msg.id, w.ep1, { status: DeliveryStatus.fail, response_status_code: 500 });
      await ok("PATCH", `/api/v1/app/${w.a}/endpoint/${w.ep1}`, { disabled: true }, 200);
      const before = await delivery(msg.id, w.ep1);
      const res = await request("POST", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint/${w.ep1}/resend`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: "endpoint_disabled", detail: expect.stringContaining("disabled") });
      expect(await delivery(msg.id, w.ep1)).toEqual(before);

      await ok("PATCH", `/api/v1/app/${w.a}/endpoint/${w.ep1}`, { disabled: false }, 200);
      await ok("POST", `/api/v1/app/${w.a}/msg/${msg.id}/endpoint/${w.ep1}/resend`);
      expect(await delivery(msg.id, w.ep1)).toMatchObject({ status: DeliveryStatus.pending, next_trigger: 1 });
    });

    it("replays the stored answer for a repeated Idempotency-Key", async () => {
      const w = await world();
      const msg = await send(w.a);
      const url = `/api/v1/app/${w.a}/msg/${msg.id}/endpoint/${w.ep1}/resend`;
      const first = await request("POST", url, undefined, { "idempotency-key": "resend-1" });
      expect(first.status).toBe(202);
      await setDelivery(msg.id, w.ep1, { status: DeliveryStatus.success, due_at: null, next_trigger: 0 });
      const again = await request("POST", url, undefined, { "idempotency-key": "resend-1" });
      expect(again.status).toBe(202);
      expect(again.headers["idempotent-replayed"]).toBe("true");
      // The replay did not queue a second send.
      expect(await delivery(msg.id, w.ep1)).toMatchObject({
        status: DeliveryStatus.success,
        next_trigger: 0,
      });
    });
  });

  describe("recover", () => {
    it("re-queues only the endpoint's failed deliveries of messages in [since, until)", async () => {
      const w = await world();
      const early = await send(w.a);
      await sleep(3);
      const inRange = await send(w.a);
      const inRangeOk = await send(w.a);
      const gone = await send(w.a);
      await sleep(3);
      const late = await send(w.a);
      for (const m of [early, inRange, gone, late]) {
        await setDelivery(m.id, w.ep1, { status: DeliveryStatus.fail, due_at: null });
        await setDelivery(m.id, w.ep2, { status: DeliveryStatus.fail, due_at: null });
      }
      await setDelivery(inRangeOk.id, w.ep1, { status: DeliveryStatus.success, due_at: null });
      await request("DELETE", `/api/v1/app/${w.a}/msg/${gone.id}/content`);

      const before = Date.now();
      const out = await ok("POST", `/api/v1/app/${w.a}/endpoint/${w.ep1}/recover`, {
        since: iso(idTime(inRange.id)!),
        until: iso(idTime(late.id)!),
      });
      // Answered at once; the worker's task runner does the work (run here to its end).
      expect(out).toEqual({
        id: expect.stringMatching(/^qtask_/),
        status: "running",
        task: "endpoint.recover",
        updatedAt: expect.any(String),
      });
      await runTasksToEnd(t.store);

      const d = (await delivery(inRange.id, w.ep1))!;
      expect(d).toMatchObject({ status: DeliveryStatus.pending, next_trigger: 1, lease_owner: null });
      expect(d.due_at).toBeGreaterThanOrEqual(before);
      // Outside the range, not failed, without a payload, or another endpoint: untouched.
      expect((await delivery(early.id, w.ep1))!.status).toBe(DeliveryStatus.fail);
      expect((await delivery(late.id, w.ep1))!.status).toBe(DeliveryStatus.fail);
      expect((await delivery(gone.id, w.ep1))!.status).toBe(DeliveryStatus.fail);
      expect((await delivery(inRangeOk.id, w.ep1))!.status).toBe(DeliveryStatus.success);
      expect((await delivery(inRange.id, w.ep2))!.status).toBe(DeliveryStatus.fail);

      const task = await t.store.db
        .selectFrom("tasks")
        .selectAll()
        .where("id", "=", out.id)
        .executeTakeFirstOrThrow();
      expect(task).toMatchObject({
        app_id: w.a,
        endpoint_id: w.ep1,
        task: "endpoint.recover",
        status: "finished",
      });
    });

    it("recovers without an upper bound and across many batches", async () => {
      const w = await world();
      const now = Date.now();
      const messages: MessageRow[] = [];
      const deliveries: DeliveryRow[] = [];
      for (let i = 0; i < 2_345; i++) {
        const id = newId("msg");
        messages.push({
          id,
          app_id: w.a,
          event_type: "bulk",
          event_id: null,
          payload: "{}",
          channels: null,
          tags: null,
          deliver_at: null,
          created_at: now,
          expires_at: now + 86_400_000,
        });
        deliveries.push({
          id: newId("dlv"),
          msg_id: id,
          app_id: w.a,
          endpoint_id: w.ep1,
          status: DeliveryStatus.fail,
          attempt_count: 7,
          due_at: null,
          lease_owner: null,
          last_attempt_at: now,
          last_status_code: 500,
          next_trigger: 0,
          created_at: now,
          updated_at: now,
        });
      }
      for (let i = 0; i < messages.length; i += 500) {
        await t.store.db
          .insertInto("messages")
          .values(messages.slice(i, i + 500))
          .execute();
        await t.store.db
          .insertInto("deliveries")
          .values(deliveries.slice(i, i + 500))
          .execute();
      }
      await ok("POST", `/api/v1/app/${w.a}/endpoint/${w.ep1}/recover`, { since: iso(now - 60_000) });
      expect(await runTasksToEnd(t.store, 1_000)).toBe(3);
      const left = await t.store.db
        .selectFrom("deliveries")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("endpoint_id", "=", w.ep1)
        .where("status", "=", DeliveryStatus.fail)
        .executeTakeFirstOrThrow();
      expect(Number(left.n)).toBe(0);
      const manual = await t.store.db
        .selectFrom("deliveries")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("endpoint_id", "=", w.ep1)
        .where("next_trigger", "=", 1)
        .executeTakeFirstOrThrow();
      expect(Number(manual.n)).toBe(2_345);
    });

    it("validates the body and answers 404 across applications", async () => {
      const w = await world();
      const url = `/api/v1/app/${w.a}/endpoint/${w.ep1}/recover`;
      const missing = await request("POST", url, {});
      expect(missing.status).toBe(422);
      expect(missing.body!.detail[0].loc).toEqual(["body", "since"]);
      expect((await request("POST", url, { since: "last week" })).status).toBe(422);
      expect(
        (await request("POST", `/api/v1/app/${w.b}/endpoint/${w.ep1}/recover`, { since: iso(Date.now()) }))
          .status,
      ).toBe(404);
    });
  });

  describe("endpoint stats", () => {
    it("counts the endpoint's deliveries by status for messages in range", async () => {
      const w = await world();
      const old = await send(w.a);
      await sleep(3);
      const ms = [await send(w.a), await send(w.a), await send(w.a), await send(w.a), await send(w.a)];
      await attempt(ms[0]!.id, w.ep1);
      await attempt(ms[1]!.id, w.ep1);
      await attempt(ms[2]!.id, w.ep1, { status: DeliveryStatus.fail });
      await setDelivery(ms[3]!.id, w.ep1, {
        status: DeliveryStatus.sending,
        lease_owner: "w",
        due_at: Date.now() + 1000,
      });
      await attempt(old.id, w.ep1, { status: DeliveryStatus.fail });

      const url = `/api/v1/app/${w.a}/endpoint/${w.ep1}/stats`;
      expect(await ok("GET", url)).toEqual({ success: 2, pending: 1, sending: 1, fail: 2, canceled: 0 });
      expect(await ok("GET", `${url}?since=${iso(idTime(ms[0]!.id)!)}`)).toEqual({
        success: 2,
        pending: 1,
        sending: 1,
        fail: 1,
        canceled: 0,
      });
      expect(
        await ok("GET", `${url}?since=${iso(idTime(ms[0]!.id)!)}&until=${iso(idTime(ms[2]!.id)!)}`),
      ).toEqual({
        success: 2,
        pending: 0,
        sending: 0,
        fail: 0,
        canceled: 0,
      });
      expect(await ok("GET", `/api/v1/app/${w.a}/endpoint/${w.ep2}/stats`)).toMatchObject({ pending: 6 });
      expect((await request("GET", `/api/v1/app/${w.b}/endpoint/${w.ep1}/stats`)).status).toBe(404);
      expect((await request("GET", `${url}?since=soon`)).status).toBe(422);
    });
  });

  describe("send-example", () => {
    it("sends the schema's first example to that endpoint only", async () => {
      const w = await world();
      const name = `example.${counter}`;
      const example = { invoiceId: "inv_1", amount: 42 };
      const schemas = { "1": { type: "object", examples: [example, { other: true }] } };
      await ok("POST", "/api/v1/event-type", { name, description: "an example", schemas }, 201);
      const res = await request("POST", `/api/v1/app/${w.a}/endpoint/${w.ep2}/send-example`, {
        eventType: name,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ eventType: name, payload: example, eventId: null });
      await t.expand();

      const rows = await t.store.db
        .selectFrom("deliveries")
        .selectAll()
        .where("msg_id", "=", res.body!.id)
        .execute();
      // ep1 takes every type and ep2 filters this one out, yet the example goes to ep2 alone.
      expect(rows.map((r) => r.endpoint_id)).toEqual([w.ep2]);
      expect(rows[0]!.status).toBe(DeliveryStatus.pending);
    });

    it("falls back to a placeholder payload and refuses unknown types, endpoints and bad bodies", async () => {
      const w = await world();
      const name = `plain.${counter}`;
      await ok("POST", "/api/v1/event-type", { name, description: "no schema" }, 201);
      const out = await ok(
        "POST",
        `/api/v1/app/${w.a}/endpoint/${w.ep1}/send-example`,
        { eventType: name },
        200,
      );
      expect(out.payload).toEqual({ eventType: name, data: { example: true } });
      await t.expand();
      const rows = await t.store.db
        .selectFrom("deliveries")
        .select("endpoint_id")
        .where("msg_id", "=", out.id)
        .execute();
      expect(rows).toEqual([{ endpoint_id: w.ep1 }]);

      const url = `/api/v1/app/${w.a}/endpoint/${w.ep1}/send-example`;
      expect((await request("POST", url, { eventType: "never.registered" })).status).toBe(404);
      expect(
        (await request("POST", `/api/v1/app/${w.b}/endpoint/${w.ep1}/send-example`, { eventType: name }))
          .status,
      ).toBe(404);
      expect((await request("POST", url, { eventType: "has space" })).status).toBe(422);
      expect((await request("POST", url, {})).status).toBe(422);
    });

    it("answers a repeated Idempotency-Key with the first message instead of a second one", async () => {
      const w = await world();
      const name = `idem.${counter}`;
      await ok("POST", "/api/v1/event-type", { name, description: "idempotent" }, 201);
      const url = `/api/v1/app/${w.a}/endpoint/${w.ep1}/send-example`;
      const first = await request("POST", url, { eventType: name }, { "idempotency-key": "example-1" });
      const again = await request("POST", url, { eventType: name }, { "idempotency-key": "example-1" });
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.headers["idempotent-replayed"]).toBe("true");
      expect(again.body!.id).toBe(first.body!.id);
      const count = await t.store.db
        .selectFrom("messages")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("event_type", "=", name)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);
    });
  });

  describe("Idempotency-Key on message create", () => {
    it("creates one message for concurrent requests with one key, and answers all with it", async () => {
      const w = await world();
      const url = `/api/v1/app/${w.a}/msg`;
      // Sent together, as an SDK retrying a slow request does: all of them pass the lookup
      // before the first is committed, so the store has to tell them apart.
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          request("POST", url, { eventType: "invoice.paid", payload: { n: 1 } }, { "idempotency-key": "race-1" }),
        ),
      );
      expect(answers.map((a) => a.status), JSON.stringify(answers.map((a) => a.body))).toEqual(Array(6).fill(202));
      const ids = new Set(answers.map((a) => a.body!.id as string));
      expect(ids.size).toBe(1);
      expect(answers.filter((a) => a.headers["idempotent-replayed"] === "true")).toHaveLength(5);
      const stored = await t.store.db
        .selectFrom("messages")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("app_id", "=", w.a)
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(1);
      // And a later repeat is replayed from the lookup, unchanged.
      const later = await request("POST", url, { eventType: "invoice.paid", payload: { n: 1 } }, { "idempotency-key": "race-1" });
      expect(later.body!.id).toBe([...ids][0]);
    });

    it("stores a fresh response under a key whose record has expired", async () => {
      const w = await world();
      const url = `/api/v1/app/${w.a}/msg`;
      const first = await request("POST", url, { eventType: "invoice.paid", payload: {} }, { "idempotency-key": "old-1" });
      await t.store.db.updateTable("idempotency_keys").set({ expires_at: 1 }).execute();
      const second = await request("POST", url, { eventType: "invoice.paid", payload: {} }, { "idempotency-key": "old-1" });
      expect(second.status).toBe(202);
      expect(second.body!.id).not.toBe(first.body!.id);
      const third = await request("POST", url, { eventType: "invoice.paid", payload: {} }, { "idempotency-key": "old-1" });
      expect(third.headers["idempotent-replayed"]).toBe("true");
      expect(third.body!.id).toBe(second.body!.id);
    });
  });

  describe("OpenAPI document", () => {
    it("documents every operation under Svix's operation id", async () => {
      const res = await t.app.inject({ url: "/openapi.json" });
      expect(res.statusCode).toBe(200);
      const doc = res.json() as { paths: Record<string, Record<string, { operationId?: string }>> };
      const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
      for (const id of [
        "v1.message-attempt.list-by-endpoint",
        "v1.message-attempt.list-by-msg",
        "v1.message-attempt.get",
        "v1.message-attempt.expunge-content",
        "v1.message-attempt.list-attempted-destinations",
        "v1.message-attempt.list-attempted-messages",
        "v1.message-attempt.resend",
        "v1.endpoint.recover",
        "v1.endpoint.get-stats",
        "v1.endpoint.send-example",
      ]) {
        expect(ids).toContain(id);
      }
    });
  });

  describe("official svix SDK", () => {
    it("parses every attempt, recover, stats and send-example answer", async () => {
      const w = await world();
      const msg = await send(w.a, { channels: ["eu"] });
      const failed = await attempt(msg.id, w.ep1, {
        status: DeliveryStatus.fail,
        response_status_code: 502,
        response: "bad gateway",
      });
      const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
      const svix = new Svix(t.token, { serverUrl: address });

      // svix 2.x asks for `with_content=false` unless told otherwise (1.x sent nothing: true).
      expect((await svix.messageAttempt.listByMsg(w.a, msg.id)).data[0]!.response).toBe("{}");
      const byMsg = await svix.messageAttempt.listByMsg(w.a, msg.id, { withContent: true });
      expect(byMsg.data).toHaveLength(1);
      expect(byMsg.data[0]).toMatchObject({
        id: failed.id,
        msgId: msg.id,
        endpointId: w.ep1,
        status: MessageStatus.Fail,
        statusText: "fail",
        triggerType: 0,
        responseStatusCode: 502,
        response: "bad gateway",
      });
      expect(byMsg.data[0]!.timestamp).toEqual(new Date(failed.created_at));

      const byEndpoint = await svix.messageAttempt.listByEndpoint(w.a, "one", {
        withMsg: true,
        withContent: false,
        status: MessageStatus.Fail,
        eventTypes: ["invoice.paid", "invoice.sent"],
        channel: "eu",
        before: new Date(Date.now() + 60_000),
      });
      expect(byEndpoint.data.map((a) => a.id)).toEqual([failed.id]);
      expect(byEndpoint.data[0]!.response).toBe("{}");
      expect(byEndpoint.data[0]!.msg).toMatchObject({
        id: msg.id,
        eventType: "invoice.paid",
        channels: ["eu"],
      });
      expect(byEndpoint.data[0]!.msg!.timestamp).toBeInstanceOf(Date);

      const one = await svix.messageAttempt.get(w.a, msg.id, failed.id);
      expect(one.url).toBe("https://a.example.com/1");

      const destinations = await svix.messageAttempt.listAttemptedDestinations(w.a, msg.id);
      expect(destinations.data.map((d) => [d.id, d.statusText])).toEqual([
        [w.ep2, "pending"],
        [w.ep1, "fail"],
      ]);
      expect(destinations.data[0]!.nextAttempt).toBeInstanceOf(Date);
      expect(destinations.data[0]!.createdAt).toBeInstanceOf(Date);

      const attempted = await svix.messageAttempt.listAttemptedMessages(w.a, w.ep1, {
        status: MessageStatus.Fail,
      });
      expect(attempted.data.map((m) => [m.id, m.status, m.nextAttempt])).toEqual([
        [msg.id, MessageStatus.Fail, null],
      ]);

      const stats = await svix.endpoint.getStats(w.a, w.ep1, {
        since: new Date(Date.now() - 3_600_000),
        until: new Date(Date.now() + 60_000),
      });
      expect(stats).toEqual({ success: 0, pending: 0, sending: 0, fail: 1, canceled: 0 });

      const recovered = await svix.endpoint.recover(w.a, w.ep1, { since: new Date(Date.now() - 3_600_000) });
      expect(recovered).toMatchObject({ status: "running", task: "endpoint.recover" });
      expect(recovered.updatedAt).toBeInstanceOf(Date);
      await runTasksToEnd(t.store);
      expect(await svix.backgroundTask.get(recovered.id)).toMatchObject({ status: "finished", data: { messagesSent: 1 } });
      expect(await delivery(msg.id, w.ep1)).toMatchObject({
        status: DeliveryStatus.pending,
        next_trigger: 1,
      });

      await setDelivery(msg.id, w.ep1, { status: DeliveryStatus.fail, due_at: null, next_trigger: 0 });
      expect(await svix.messageAttempt.resend(w.a, msg.id, w.ep1, { idempotencyKey: "sdk-resend" })).toEqual(
        {},
      );
      expect(await delivery(msg.id, w.ep1)).toMatchObject({
        status: DeliveryStatus.pending,
        next_trigger: 1,
      });

      const name = `sdk.example.${counter}`;
      await svix.eventType.create({
        name,
        description: "sdk",
        schemas: { "1": { examples: [{ hello: "world" }] } },
      });
      const example = await svix.endpoint.sendExample(w.a, w.ep1, { eventType: name });
      expect(example).toMatchObject({ eventType: name, payload: { hello: "world" } });
      expect(example.timestamp).toBeInstanceOf(Date);

      await svix.messageAttempt.expungeContent(w.a, msg.id, failed.id);
      expect((await svix.messageAttempt.get(w.a, msg.id, failed.id)).response).toBe("EXPUNGED");
    });
  });
});

/** The message's `created_at`, which the API returns as `timestamp`. */
function createdAt(msg: Body): number {
  return Date.parse(msg.timestamp as string);
}
