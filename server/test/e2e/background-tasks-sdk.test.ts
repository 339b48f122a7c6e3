import { Webhook } from "standardwebhooks";
import { BackgroundTaskStatus, BackgroundTaskType, MessageStatus } from "svix";
import { expect, it } from "vitest";

import { describeEachStore } from "../../src/test-support/postgres.js";
import type { Receiver } from "../support/receiver.js";
import { FAST_TASKS, sdkServerPerSuite } from "../support/sdk-server.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every background task through the official svix 2.x SDK against the real server process:
 * the call answers 202 with a running task at once, the worker runs it, `backgroundTask.get`
 * follows it to `finished`, and a loopback receiver sees the effect (or, for the purge, the
 * API does).
 */
describeEachStore("background tasks through the official Svix SDK (%s)", (kind) => {
  const suite = sdkServerPerSuite(kind, FAST_TASKS);
  const { receiverEndpoint, finished } = suite;

  /** Message ids the receiver got, in arrival order, each verified as a Standard Webhooks delivery. */
  function ids(r: Receiver, secret: string): string[] {
    return r.received.map((got) => {
      new Webhook(secret).verify(got.body, got.headers as Record<string, string>);
      return String(got.headers["webhook-id"]);
    });
  }

  it("recover, bulk-replay and replay-missing run in the worker and reach the receiver", async () => {
    const app = await suite.svix.application.create({ name: "Tasks", uid: "tasks" });
    const since = new Date(Date.now() - 1_000);
    const main = await receiverEndpoint(app.id);
    main.receiver.respond(() => ({ status: 500 }));
    const msgs = [];
    for (let i = 0; i < 5; i++) {
      msgs.push(await suite.svix.message.create(app.id, { eventType: i < 3 ? "order.created" : "order.paid", payload: { i } }));
    }
    // One attempt and one retry each, both refused.
    await main.receiver.waitFor(10, 15_000);
    for (let i = 0; i < 50 && (await suite.svix.endpoint.getStats(app.id, main.ep.id)).fail < 5; i++) await sleep(100);
    expect((await suite.svix.endpoint.getStats(app.id, main.ep.id)).fail).toBe(5);

    main.receiver.respond(() => ({ status: 200 }));
    const recover = await suite.svix.endpoint.recover(app.id, main.ep.id, { since });
    expect(recover).toMatchObject({ status: BackgroundTaskStatus.Running, task: BackgroundTaskType.EndpointRecover });
    expect(recover.id).toMatch(/^qtask_/);
    expect(recover.updatedAt).toBeInstanceOf(Date);
    const recovered = await finished(recover.id);
    expect(recovered).toMatchObject({ status: "finished", task: "endpoint.recover", data: { messagesSent: 5, total: 5, processed: 5, progress: 1 } });
    await main.receiver.waitFor(15, 10_000);
    expect(ids(main.receiver, main.secret).slice(10).sort()).toEqual(msgs.map((m) => m.id).sort());

    // Bulk replay of the successes of one event type: the three order.created go out again.
    const replay = await suite.svix.endpoint.bulkReplay(app.id, main.ep.id, {
      since,
      status: MessageStatus.Success,
      eventTypes: ["order.created"],
    });
    expect(replay).toMatchObject({ status: "running", task: BackgroundTaskType.EndpointBulkReplay });
    expect((await finished(replay.id)).data).toMatchObject({ messagesSent: 3 });
    await main.receiver.waitFor(18, 10_000);
    expect(ids(main.receiver, main.secret).slice(15).sort()).toEqual(msgs.slice(0, 3).map((m) => m.id).sort());

    // An endpoint created afterwards gets the messages it never had, within its filter.
    const late = await receiverEndpoint(app.id, ["order.paid"]);
    const missing = await suite.svix.endpoint.replayMissing(app.id, late.ep.id, { since });
    expect(missing).toMatchObject({ status: "running", task: BackgroundTaskType.EndpointReplay });
    expect((await finished(missing.id)).data).toMatchObject({ messagesSent: 2 });
    await late.receiver.waitFor(2, 10_000);
    expect(ids(late.receiver, late.secret).sort()).toEqual(msgs.slice(3).map((m) => m.id).sort());
    // Run again, nothing is missing any more.
    const again = await suite.svix.endpoint.replayMissing(app.id, late.ep.id, { since });
    expect((await finished(again.id)).data).toMatchObject({ messagesSent: 0 });
    await sleep(300);
    expect(late.receiver.received).toHaveLength(2);

    // Listing: filters, order and the iterator.
    const recovers = await suite.svix.backgroundTask.list({ task: BackgroundTaskType.EndpointRecover, status: BackgroundTaskStatus.Finished });
    expect(recovers.data.map((t) => t.id)).toEqual([recover.id]);
    expect(recovers.data[0]!.updatedAt).toBeInstanceOf(Date);
    const page1 = await suite.svix.backgroundTask.list({ limit: 2 });
    expect(page1.data.map((t) => t.id)).toEqual([again.id, missing.id]);
    expect(page1.done).toBe(false);
    const page2 = await suite.svix.backgroundTask.list({ limit: 2, iterator: page1.iterator });
    expect(page2.data.map((t) => t.id)).toEqual([replay.id, recover.id]);
    const oldest = await suite.svix.backgroundTask.list({ limit: 1, order: "ascending" as never });
    expect(oldest.data.map((t) => t.id)).toEqual([recover.id]);

    // What the worker did, as Prometheus sees it.
    const metrics = await (await fetch(`${suite.server.url}/metrics`, { headers: { authorization: `Bearer ${suite.server.token}` } })).text();
    expect(metrics).toMatch(/hookrelay_background_task_messages_total\{task="endpoint.recover"\} 5\n/);
    expect(metrics).toMatch(/hookrelay_background_task_messages_total\{task="endpoint.bulk-replay"\} 3\n/);
    expect(metrics).toMatch(/hookrelay_background_task_batches_total\{task="endpoint.recover"\} [1-9]/);
  });

  it("expunge-all-contents purges every payload of the application in the worker", async () => {
    const app = await suite.svix.application.create({ name: "Purge", uid: "purge" });
    const other = await suite.svix.application.create({ name: "Keep", uid: "keep" });
    const msgs = [];
    for (let i = 0; i < 5; i++) msgs.push(await suite.svix.message.create(app.id, { eventType: "a.b", payload: { secret: i } }));
    const kept = await suite.svix.message.create(other.id, { eventType: "a.b", payload: { keep: true } });
    const task = await suite.svix.message.expungeAllContents(app.id);
    expect(task).toMatchObject({ status: "running", task: BackgroundTaskType.ApplicationPurgeContent });
    expect((await finished(task.id)).data).toMatchObject({ messagesPurged: 5, appId: app.id });
    // An expunged payload reads back as {} even when asked for the content.
    for (const m of msgs) expect((await suite.svix.message.get(app.id, m.id, { withContent: true })).payload).toEqual({});
    expect((await suite.svix.message.get(other.id, kept.id, { withContent: true })).payload).toEqual({ keep: true });
  });

  it("answers 404 for an unknown task and 422 for a bad body", async () => {
    await expect(suite.svix.backgroundTask.get("qtask_000000000000000000000000000")).rejects.toMatchObject({ code: 404 });
    const app = await suite.svix.application.create({ name: "Bad", uid: "bad" });
    const { ep } = await receiverEndpoint(app.id);
    const res = await fetch(`${suite.server.url}/api/v1/app/${app.id}/endpoint/${ep.id}/bulk-replay`, {
      method: "POST",
      headers: { authorization: `Bearer ${suite.server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ since: "yesterday", statusCodeClass: 299 }),
    });
    expect(res.status).toBe(422);
  });
});
