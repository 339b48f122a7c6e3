import { Webhook } from "standardwebhooks";
import { ApiException, BackgroundTaskStatus, BackgroundTaskType } from "svix";
import { expect, it } from "vitest";

import { describeEachStore } from "../../src/test-support/postgres.js";
import { FAST_TASKS, sdkServerPerSuite } from "../support/sdk-server.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Svix's `environment.export` / `environment.import` and `statistics.aggregateAppStats` /
 * `aggregateEventTypes` through the official svix 2.x SDK against the real server process.
 * The statistics are checked against the deliveries a loopback receiver actually saw.
 */
describeEachStore("environment and usage statistics through the official Svix SDK (%s)", (kind) => {
  const suite = sdkServerPerSuite(kind, FAST_TASKS);
  const { receiverEndpoint, finished } = suite;

  it("environment.export carries the event catalogue; environment.import adds and updates it", async () => {
    await suite.svix.eventType.create({ name: "invoice.paid", description: "Paid", schemas: { "1": { type: "object" } }, featureFlags: ["beta"] });
    await suite.svix.eventType.create({ name: "invoice.voided", description: "Voided" });
    await suite.svix.eventType.delete("invoice.voided");

    const doc = await suite.svix.environment.export();
    expect(doc.version).toBe(1);
    expect(doc.createdAt).toBeInstanceOf(Date);
    expect(doc.settings).toBeNull();
    expect(doc.connectors).toEqual([]);
    const byName = new Map(doc.eventTypes.map((t) => [t.name, t]));
    expect(byName.get("invoice.paid")).toMatchObject({ description: "Paid", schemas: { "1": { type: "object" } }, featureFlags: ["beta"], deprecated: false });
    expect(byName.get("invoice.voided")).toMatchObject({ archived: true });

    // The document back, with one type changed and one added: adds and updates, deletes nothing.
    await suite.svix.environment.import({
      eventTypes: [
        ...doc.eventTypes.map((t) => ({ ...t, description: t.name === "invoice.paid" ? "Paid in full" : t.description })),
        { name: "invoice.refunded", description: "Refunded", deprecated: true },
      ],
      settings: { customColor: "#000" },
    });
    expect(await suite.svix.eventType.get("invoice.paid")).toMatchObject({ description: "Paid in full", schemas: { "1": { type: "object" } }, featureFlag: "beta" });
    expect(await suite.svix.eventType.get("invoice.voided")).toMatchObject({ archived: true });
    expect(await suite.svix.eventType.get("invoice.refunded")).toMatchObject({ description: "Refunded", deprecated: true });

    // Connectors (transformation templates) are refused, not dropped.
    const refused = await suite.svix.environment
      .import({ connectors: [{ name: "c", transformation: "function handler(w) { return w }" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiException);
    expect((refused as ApiException<unknown>).code).toBe(422);

    // What was imported is live: an endpoint subscribed to the imported type gets its message.
    const app = await suite.svix.application.create({ name: "Env" });
    const { receiver, secret } = await receiverEndpoint(app.id, ["invoice.refunded"]);
    const msg = await suite.svix.message.create(app.id, { eventType: "invoice.refunded", payload: { id: 1 } });
    const [got] = await receiver.waitFor(1, 10_000);
    new Webhook(secret).verify(got!.body, got!.headers as Record<string, string>);
    expect(got!.headers["webhook-id"]).toBe(msg.id);
  });

  it("aggregateAppStats and aggregateEventTypes count what the store holds", async () => {
    const since = new Date(Date.now() - 1_000);
    const a = await suite.svix.application.create({ name: "A", uid: "stats-a" });
    const b = await suite.svix.application.create({ name: "B", uid: "stats-b" });
    const c = await suite.svix.application.create({ name: "C", uid: "stats-c" });
    const aFiltered = await receiverEndpoint(a.id, ["a.x", "a.y"]);
    const aAll = await receiverEndpoint(a.id);
    const bOnly = await receiverEndpoint(b.id, ["b.z"]);
    bOnly.receiver.respond(() => ({ status: 500 }));

    await suite.svix.message.create(a.id, { eventType: "a.x", payload: { n: 1 } });
    await suite.svix.message.create(a.id, { eventType: "a.x", payload: { n: 2 } });
    await suite.svix.message.create(a.id, { eventType: "a.q", payload: { n: 3 } });
    await suite.svix.message.create(b.id, { eventType: "b.z", payload: { n: 4 } });
    // A: 3 messages, 5 deliveries, 5 successful attempts. B: 1 message, 1 delivery, 2 failed attempts (one retry).
    await aFiltered.receiver.waitFor(2, 10_000);
    await aAll.receiver.waitFor(3, 10_000);
    await bOnly.receiver.waitFor(2, 10_000);
    for (let i = 0; i < 50 && (await suite.svix.endpoint.getStats(b.id, bOnly.ep.id)).fail < 1; i++) await sleep(100);
    await sleep(200);
    const until = new Date(Date.now() + 1_000);

    const started = await suite.svix.statistics.aggregateAppStats({ since, until });
    expect(started).toMatchObject({ status: BackgroundTaskStatus.Running, task: BackgroundTaskType.ApplicationStats, unresolvedAppIds: [] });
    expect(started.id).toMatch(/^qtask_/);
    const done = await finished(started.id);
    expect(done.status).toBe("finished");
    const stats = (done.data as { appStats: Record<string, unknown>[] }).appStats;
    expect(stats).toContainEqual({ appId: a.id, appUid: "stats-a", messageDestinations: 5, messages: 3, attempts: 5, successfulAttempts: 5, failedAttempts: 0 });
    expect(stats).toContainEqual({ appId: b.id, appUid: "stats-b", messageDestinations: 1, messages: 1, attempts: 2, successfulAttempts: 0, failedAttempts: 2 });
    expect(stats).toContainEqual({ appId: c.id, appUid: "stats-c", messageDestinations: 0, messages: 0, attempts: 0, successfulAttempts: 0, failedAttempts: 0 });

    // Narrowed by uid, with one that matches nothing; a period after everything counts nothing.
    const some = await suite.svix.statistics.aggregateAppStats({ since, until, appIds: ["stats-b", "no-such-app"] });
    expect(some.unresolvedAppIds).toEqual(["no-such-app"]);
    expect((await finished(some.id)).data).toMatchObject({ appStats: [{ appId: b.id, messages: 1, attempts: 2 }] });
    const later = await suite.svix.statistics.aggregateAppStats({ since: until, until: new Date(until.getTime() + 60_000), appIds: [a.id] });
    expect((await finished(later.id)).data).toMatchObject({ appStats: [{ appId: a.id, messages: 0, messageDestinations: 0, attempts: 0 }] });
    const none = await suite.svix.statistics.aggregateAppStats({ since, until, appIds: ["no-such-app"] }).catch((e: unknown) => e);
    expect((none as ApiException<unknown>).code).toBe(422);

    const aggregate = await suite.svix.statistics.aggregateEventTypes();
    expect(aggregate).toMatchObject({ status: "running", task: BackgroundTaskType.EventTypeAggregate });
    const types = (await finished(aggregate.id)).data as { event_types: Record<string, unknown>[] };
    expect(types.event_types).toContainEqual({ appId: a.id, explicitlySubscribedEventTypes: ["a.x", "a.y"], hasCatchAllEndpoint: true });
    expect(types.event_types).toContainEqual({ appId: b.id, explicitlySubscribedEventTypes: ["b.z"], hasCatchAllEndpoint: false });
    expect(types.event_types).toContainEqual({ appId: c.id, explicitlySubscribedEventTypes: [], hasCatchAllEndpoint: false });

    // Listed as Svix's task types.
    const listed = await suite.svix.backgroundTask.list({ task: BackgroundTaskType.EventTypeAggregate });
    expect(listed.data.map((t) => t.id)).toEqual([aggregate.id]);
  });
});
