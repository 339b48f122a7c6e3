import type { FastifyInstance } from "fastify";
import { ApiException, type PollingEndpointOut, Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { Wakeup } from "../../lib/wakeup.js";
import { createServices } from "../../services/index.js";
import { openConfiguredStore } from "../../store/configured-store.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";
import { buildApp } from "../app.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polling endpoints driven by the official Svix SDK (`svix.message.poller`) against a listening server. */
describeEachStore("polling endpoints through the official Svix SDK (%s)", (kind) => {
  let t: TestApp;
  let url: string;
  let svix: Svix;

  beforeAll(async () => {
    // No safety lag here: these tests read what they just wrote (the lag has its own test).
    t = await startTestApp({ pollerSafetyLagMs: 0 }, kind);
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    svix = new Svix(t.token, { serverUrl: url });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Creates a polling endpoint (a Hookrelay field the SDK's EndpointIn does not carry). */
  async function pollingEndpoint(appId: string, filters: Record<string, unknown> = {}): Promise<string> {
    const res = await fetch(`${url}/api/v1/app/${appId}/endpoint`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
      body: JSON.stringify({ polling: true, ...filters }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; polling: boolean; url: string };
    expect(body.polling).toBe(true);
    return body.id;
  }

  /** Sends messages one by one (a few ms apart, so `after`/seek times fall between them). */
  async function send(appId: string, items: { eventType: string; channels?: string[]; n: number }[]) {
    const out = [];
    for (const item of items) {
      out.push(
        await svix.message.create(appId, {
          eventType: item.eventType,
          channels: item.channels,
          payload: { n: item.n },
        }),
      );
      await sleep(3);
    }
    await sleep(3);
    return out;
  }

  async function statusOf(call: Promise<unknown>): Promise<number> {
    try {
      await call;
      return 200;
    } catch (error) {
      if (error instanceof ApiException) return error.code;
      throw error;
    }
  }

  const ns = (page: PollingEndpointOut) => page.data.map((m) => (m.payload as { n: number }).n);

  it("polls the endpoint's messages in order, with its filters and the SDK's", async () => {
    await svix.application.create({ name: "Filters", uid: "filters" });
    const sink = await pollingEndpoint("filters", { filterTypes: ["invoice.paid", "invoice.voided"] });
    const sent = await send("filters", [
      { eventType: "invoice.paid", channels: ["a"], n: 1 },
      { eventType: "user.created", n: 2 },
      { eventType: "invoice.voided", channels: ["b"], n: 3 },
      { eventType: "invoice.paid", channels: ["b"], n: 4 },
    ]);
    const all = await svix.message.poller.poll("filters", sink);
    expect(ns(all)).toEqual([1, 3, 4]);
    expect(all.done).toBe(true);
    expect(all.data[0]).toMatchObject({ id: sent[0]!.id, eventType: "invoice.paid", channels: ["a"] });
    expect(all.data[0]!.timestamp).toBeInstanceOf(Date);

    expect(ns(await svix.message.poller.poll("filters", sink, { eventType: "invoice.voided" }))).toEqual([3]);
    expect(ns(await svix.message.poller.poll("filters", sink, { channel: "b" }))).toEqual([3, 4]);
    expect(ns(await svix.message.poller.poll("filters", sink, { after: sent[1]!.timestamp }))).toEqual([
      3, 4,
    ]);

    const first = await svix.message.poller.poll("filters", sink, { limit: 2 });
    expect([ns(first), first.done]).toEqual([[1, 3], false]);
    const rest = await svix.message.poller.poll("filters", sink, { limit: 2, iterator: first.iterator });
    expect([ns(rest), rest.done]).toEqual([[4], true]);
    // Caught up: the same iterator keeps returning nothing until something new arrives.
    const empty = await svix.message.poller.poll("filters", sink, { iterator: rest.iterator });
    expect([ns(empty), empty.done]).toEqual([[], true]);
    await send("filters", [{ eventType: "invoice.paid", n: 5 }]);
    expect(ns(await svix.message.poller.poll("filters", sink, { iterator: rest.iterator }))).toEqual([5]);

    expect(await statusOf(svix.message.poller.poll("filters", sink, { iterator: "not-an-iterator" }))).toBe(
      400,
    );
  });

  it("gives a consumer every message exactly once when it acknowledges, across pages and a restart", async () => {
    await svix.application.create({ name: "Consumer", uid: "consumer" });
    const sink = await pollingEndpoint("consumer");
    await send(
      "consumer",
      [1, 2, 3, 4, 5].map((n) => ({ eventType: "e", n })),
    );

    const p1 = await svix.message.poller.consumerPoll("consumer", sink, "sync", { limit: 2 });
    expect(ns(p1)).toEqual([1, 2]);
    // Not acknowledged (no iterator passed): the same page again.
    expect(ns(await svix.message.poller.consumerPoll("consumer", sink, "sync", { limit: 2 }))).toEqual([
      1, 2,
    ]);
    const p2 = await svix.message.poller.consumerPoll("consumer", sink, "sync", {
      limit: 2,
      iterator: p1.iterator,
    });
    expect(ns(p2)).toEqual([3, 4]);
    // Another consumer has its own position.
    expect(ns(await svix.message.poller.consumerPoll("consumer", sink, "audit", { limit: 1 }))).toEqual([1]);

    // A second server on the same database (a restart, or another instance): positions are stored there.
    const opened = await openConfiguredStore(t.config, () => undefined);
    const services = createServices(opened.store, t.config, new Wakeup(), opened.keyring);
    const app2: FastifyInstance = await buildApp({ config: t.config, services, logger: false });
    try {
      await app2.listen({ host: "127.0.0.1", port: 0 });
      const svix2 = new Svix(t.token, {
        serverUrl: `http://127.0.0.1:${(app2.server.address() as { port: number }).port}`,
      });
      // p2 was never acknowledged: it comes again from the other server.
      const again = await svix2.message.poller.consumerPoll("consumer", sink, "sync", { limit: 2 });
      expect(ns(again)).toEqual([3, 4]);
      const p3 = await svix2.message.poller.consumerPoll("consumer", sink, "sync", {
        limit: 2,
        iterator: again.iterator,
      });
      expect([ns(p3), p3.done]).toEqual([[5], true]);
      const end = await svix2.message.poller.consumerPoll("consumer", sink, "sync", {
        limit: 2,
        iterator: p3.iterator,
      });
      expect([ns(end), end.done]).toEqual([[], true]);
    } finally {
      await app2.close();
      await services.drain();
      await opened.store.close();
    }
    // Back on the first server: everything was acknowledged, nothing comes again.
    expect(ns(await svix.message.poller.consumerPoll("consumer", sink, "sync"))).toEqual([]);

    const consumers = await fetch(`${url}/api/v1/app/consumer/poller/${sink}/consumer`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    const listed = (await consumers.json()) as { data: { consumerId: string }[] };
    expect(listed.data.map((c) => c.consumerId)).toEqual(["audit", "sync"]);
  });

  it("seeks a consumer to a time", async () => {
    await svix.application.create({ name: "Seek", uid: "seek" });
    const sink = await pollingEndpoint("seek");
    const sent = await send(
      "seek",
      [1, 2, 3, 4].map((n) => ({ eventType: "e", n })),
    );
    const seek = await svix.message.poller.consumerSeek("seek", sink, "c", { after: sent[1]!.timestamp });
    expect(typeof seek.iterator).toBe("string");
    expect(ns(await svix.message.poller.consumerPoll("seek", sink, "c"))).toEqual([3, 4]);
    // Seeking back re-reads; the seek itself is the new position.
    await svix.message.poller.consumerSeek("seek", sink, "c", { after: new Date(0) });
    expect(ns(await svix.message.poller.consumerPoll("seek", sink, "c"))).toEqual([1, 2, 3, 4]);
    // The iterator a seek returns reads on from there.
    expect(ns(await svix.message.poller.poll("seek", sink, { iterator: seek.iterator }))).toEqual([3, 4]);

    // Positions go with their endpoint, and the endpoint with its application.
    const positions = async () =>
      (
        await t.store.db
          .selectFrom("poller_consumers")
          .select("consumer_id")
          .where("endpoint_id", "=", sink)
          .execute()
      ).length;
    expect(await positions()).toBe(1);
    await svix.endpoint.delete("seek", sink);
    expect(await positions()).toBe(0);
    const other = await pollingEndpoint("seek");
    await svix.message.poller.consumerSeek("seek", other, "c", { after: new Date(0) });
    await svix.application.delete("seek");
    expect(
      await t.store.db
        .selectFrom("poller_consumers")
        .select("consumer_id")
        .where("endpoint_id", "=", other)
        .execute(),
    ).toEqual([]);
  });

  it("never creates deliveries for a polling endpoint", async () => {
    await svix.application.create({ name: "NoDelivery", uid: "nodelivery" });
    const sink = await pollingEndpoint("nodelivery");
    const hook = await svix.endpoint.create("nodelivery", { url: "https://example.com/hook" });
    const [msg] = await send("nodelivery", [{ eventType: "e", n: 1 }]);
    await t.expand();
    const count = async (endpointId: string) =>
      (await t.store.db.selectFrom("deliveries").select("id").where("endpoint_id", "=", endpointId).execute())
        .length;
    expect(await count(hook.id)).toBe(1);
    expect(await count(sink)).toBe(0);
    expect(await statusOf(svix.messageAttempt.resend("nodelivery", msg!.id, sink))).toBe(400);
    await svix.eventType.create({ name: "poller.example", description: "An example" });
    expect(
      await statusOf(svix.endpoint.sendExample("nodelivery", sink, { eventType: "poller.example" })),
    ).toBe(400);
    expect(await count(sink)).toBe(0);
    expect(ns(await svix.message.poller.poll("nodelivery", sink))).toEqual([1]);
    // A webhook endpoint is not a polling endpoint.
    expect(await statusOf(svix.message.poller.poll("nodelivery", hook.id))).toBe(404);
  });

  it("creates a polling endpoint only without a URL, and keeps it without one", async () => {
    await svix.application.create({ name: "Shape", uid: "shape" });
    const post = (body: object) =>
      fetch(`${url}/api/v1/app/shape/endpoint`, {
        method: "POST",
        headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({ polling: true, url: "https://example.com/hook" })).status).toBe(422);
    expect((await post({ description: "neither" })).status).toBe(422);
    const sink = await pollingEndpoint("shape");
    const out = await svix.endpoint.get("shape", sink);
    expect(out.url).toBe("");
    // Its filters change like any endpoint's; a URL cannot be given to it.
    await svix.endpoint.patch("shape", sink, { eventTypes: ["invoice.paid"] });
    expect((await svix.endpoint.get("shape", sink)).eventTypes).toEqual(["invoice.paid"]);
    expect(await statusOf(svix.endpoint.patch("shape", sink, { url: "https://example.com/hook" }))).toBe(422);
    expect(await statusOf(svix.endpoint.upsert("shape", sink, { url: "https://example.com/hook" }))).toBe(
      422,
    );
  });

  it("keeps pollers to their application", async () => {
    await svix.application.create({ name: "Mine", uid: "mine" });
    await svix.application.create({ name: "Theirs", uid: "theirs" });
    const mine = await pollingEndpoint("mine");
    const theirs = await pollingEndpoint("theirs");
    const portal = new Svix((await svix.authentication.appPortalAccess("mine")).token, { serverUrl: url });
    expect(await statusOf(portal.message.poller.poll("mine", mine))).toBe(200);
    expect(await statusOf(portal.message.poller.consumerPoll("mine", mine, "c"))).toBe(200);
    expect(await statusOf(portal.message.poller.poll("theirs", theirs))).toBe(404);
    expect(await statusOf(portal.message.poller.consumerPoll("theirs", theirs, "c"))).toBe(404);
    expect(
      await statusOf(portal.message.poller.consumerSeek("theirs", theirs, "c", { after: new Date() })),
    ).toBe(404);
    // Another application's endpoint under one's own application is not found either.
    expect(await statusOf(portal.message.poller.poll("mine", theirs))).toBe(404);
  });
});
