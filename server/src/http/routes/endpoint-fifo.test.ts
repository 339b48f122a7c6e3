import { expect, it } from "vitest";

import { DeliveryStatus } from "../../store/schema.js";
import { describeEachStore } from "../../test-support/postgres.js";
import { sdkAppPerSuite } from "../../test-support/sdk-app.js";

/** The `fifo` flag on endpoints, the head of a FIFO endpoint's queue and the operator's skip (ADR 18). */
describeEachStore("FIFO endpoints through the API (%s)", (kind) => {
  const s = sdkAppPerSuite(kind, "fifo");
  const request = s.request;

  it("stores the flag on create, PATCH and PUT, shows it, and keeps the svix SDK working", async () => {
    const created = await request("POST", "/api/v1/app/fifo/endpoint", { url: "https://example.com/hook", fifo: true });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.fifo).toBe(true);
    const id = created.body.id as string;
    // The SDK parses the output (it ignores fields it does not know).
    expect((await s.svix.endpoint.get("fifo", id)).id).toBe(id);
    // PATCH without the field keeps it; with false turns it off; PUT without it resets it, as for every field.
    expect((await request("PATCH", `/api/v1/app/fifo/endpoint/${id}`, { description: "d" })).body.fifo).toBe(true);
    expect((await request("PATCH", `/api/v1/app/fifo/endpoint/${id}`, { fifo: false })).body.fifo).toBe(false);
    expect((await request("PUT", `/api/v1/app/fifo/endpoint/${id}`, { url: "https://example.com/hook", fifo: true })).body.fifo).toBe(true);
    await s.svix.endpoint.patch("fifo", id, { description: "via sdk" });
    expect((await request("GET", `/api/v1/app/fifo/endpoint/${id}`)).body.fifo).toBe(true);
    await s.svix.endpoint.upsert("fifo", id, { url: "https://example.com/hook" });
    expect((await request("GET", `/api/v1/app/fifo/endpoint/${id}`)).body.fifo).toBe(false);
    // An SDK-created endpoint is not FIFO.
    const plain = await s.svix.endpoint.create("fifo", { url: "https://example.com/plain" });
    expect((await request("GET", `/api/v1/app/fifo/endpoint/${plain.id}`)).body.fifo).toBe(false);

    const bad = await request("POST", "/api/v1/app/fifo/endpoint", { url: "https://example.com/bad", fifo: "yes" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.detail)).toContain("fifo");
  });

  it("reports the head and lets the admin skip it; refuses what cannot be skipped with a 409", async () => {
    const ep = (await request("POST", "/api/v1/app/fifo/endpoint", { url: "https://example.com/q", uid: "q", fifo: true })).body;
    const base = "/api/v1/app/fifo/endpoint/q/fifo";
    expect((await request("GET", base)).body).toEqual({ fifo: true, head: null, waiting: 0 });
    const empty = await request("POST", `${base}/skip`);
    expect(empty.body.code, JSON.stringify(empty.body)).toBe("fifo_empty");

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await s.svix.message.create("fifo", { eventType: "order.created", payload: { i } })).id);
    await s.t.expand(); // no worker here: the fan-out step (ADR 0022) writes the delivery rows
    // The head has failed twice and waits for its retry.
    const failedAt = Date.now() - 5_000;
    const [head] = await s.t.store.db.selectFrom("deliveries").select(["id", "app_id"]).where("msg_id", "=", ids[0]!).where("endpoint_id", "=", ep.id as string).execute();
    await s.t.store.db
      .updateTable("deliveries")
      .set({ attempt_count: 2, last_status_code: 503, last_attempt_at: failedAt + 1_000, due_at: Date.now() + 60_000 })
      .where("id", "=", head!.id)
      .execute();
    for (const at of [failedAt, failedAt + 1_000]) {
      await s.t.store.db
        .insertInto("attempts")
        .values({
          id: `atmpt_${at}`,
          delivery_id: head!.id,
          msg_id: ids[0]!,
          app_id: head!.app_id,
          endpoint_id: ep.id as string,
          url: "https://example.com/q",
          status: DeliveryStatus.fail,
          response_status_code: 503,
          response: "",
          response_duration_ms: 3,
          trigger_type: 0,
          created_at: at,
        })
        .execute();
    }
    const status = (await request("GET", base)).body;
    expect(status).toMatchObject({
      fifo: true,
      waiting: 3,
      head: { msgId: ids[0], status: "pending", attempts: 2, lastStatusCode: 503, failingSince: new Date(failedAt).toISOString() },
    });

    expect((await request("POST", `${base}/skip`, { msgId: ids[1] })).body.code).toBe("fifo_head_moved");
    const skipped = await request("POST", `${base}/skip`, { msgId: ids[0] });
    expect(skipped.status, JSON.stringify(skipped.body)).toBe(200);
    expect(skipped.body).toMatchObject({ skipped: { msgId: ids[0] }, status: { waiting: 2, head: { msgId: ids[1], attempts: 0, failingSince: null } } });
    const row = await s.t.store.db.selectFrom("deliveries").select(["status", "due_at"]).where("id", "=", head!.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: DeliveryStatus.fail, due_at: null });

    // An attempt of the new head is out: its worker would send it anyway.
    await s.t.store.db
      .updateTable("deliveries")
      .set({ status: DeliveryStatus.sending, lease_owner: "w1", due_at: Date.now() + 30_000 })
      .where("msg_id", "=", ids[1]!)
      .execute();
    expect((await request("POST", `${base}/skip`)).body.code).toBe("fifo_head_in_flight");

    const plain = await s.svix.endpoint.create("fifo", { url: "https://example.com/plain2" });
    const notFifo = await request("POST", `/api/v1/app/fifo/endpoint/${plain.id}/fifo/skip`, {});
    expect([notFifo.status, notFifo.body.code]).toEqual([409, "not_fifo"]);
    expect((await request("GET", `/api/v1/app/fifo/endpoint/${plain.id}/fifo`)).body).toMatchObject({ fifo: false });
    expect((await request("POST", `${base}/skip`, { msgId: 42 })).status).toBe(422);
  });
});
