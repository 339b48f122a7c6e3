import { afterAll, beforeAll, expect, it } from "vitest";

import { isUniqueViolation } from "../lib/db-errors.js";
import { newId } from "../lib/ids.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { inboundRequestRow } from "../test-support/inbound-request-row.js";
import { describeEachStore } from "../test-support/postgres.js";
import { InboundRequestsRepository } from "./inbound-requests-repository.js";
import type { InboundRequestRow, SourceRow } from "./schema.js";
import { SourcesRepository } from "./sources-repository.js";

/** The inbound tables behave the same on every store (set TEST_POSTGRES_URL to include PostgreSQL). */
describeEachStore("inbound repositories on %s", (kind) => {
  let t: TestApp;
  let requests: InboundRequestsRepository;
  let sources: SourcesRepository;
  let appId: string;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    requests = new InboundRequestsRepository(t.store);
    sources = new SourcesRepository(t.store.db);
    appId = newId("app");
    await t.store.db
      .insertInto("applications")
      .values({
        id: appId,
        uid: `repo-${kind}`,
        name: "repo",
        metadata: "{}",
        throttle_rate: null,
        created_at: 0,
        updated_at: 0,
      })
      .execute();
  });

  afterAll(async () => {
    await t.close();
  });

  async function source(provider = "stripe", platform: string | null = null): Promise<SourceRow> {
    const row: SourceRow = {
      id: newId("src"),
      app_id: appId,
      uid: `s-${++counter}`,
      name: "s",
      provider,
      platform,
      config: "{}",
      created_at: Date.now(),
      updated_at: Date.now(),
    };
    await sources.insert(row);
    return row;
  }

  function request(sourceId: string, overrides: Partial<InboundRequestRow> = {}): InboundRequestRow {
    return inboundRequestRow(appId, sourceId, overrides);
  }


  async function insert(...rows: InboundRequestRow[]): Promise<void> {
    await requests.insertBatch(rows);
  }

  it("round-trips a row exactly, fractional milliseconds and non-ASCII text included", async () => {
    const s = await source();
    const row = request(s.id, { processing_ms: 0.123, size: 42 });
    await insert(row);
    expect(await requests.find(s.id, row.id)).toEqual(row);
    expect(await requests.find(s.id, newId("req"))).toBeUndefined();
  });

  it("lets only one request per source hold a de-duplication key; NULLs never collide", async () => {
    const s = await source();
    const other = await source();
    await insert(request(s.id, { dedupe_key: "evt_1" }), request(s.id), request(s.id));
    await insert(request(other.id, { dedupe_key: "evt_1" }));
    const error = await insert(request(s.id, { dedupe_key: "evt_1" })).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await requests.findDedupeHolder(s.id, "evt_1")).toMatchObject({ msg_id: null });
  });

  it("lists a source's requests newest first with status, provider and time filters", async () => {
    const s = await source();
    const rows = [
      request(s.id, { status: "accepted", received_at: 10_000 }),
      request(s.id, { status: "rejected", reason: "invalid_signature", received_at: 20_000 }),
      request(s.id, { status: "duplicate", received_at: 30_000 }),
    ];
    await insert(...rows);
    const ids = async (filter: Parameters<InboundRequestsRepository["list"]>[0]) =>
      (await requests.list(filter, { limit: 10 })).data.map((r) => r.id);
    expect(await ids({ sourceId: s.id })).toEqual([rows[2]!.id, rows[1]!.id, rows[0]!.id]);
    expect(await ids({ sourceId: s.id, status: "rejected" })).toEqual([rows[1]!.id]);
    expect(await ids({ sourceId: s.id, provider: "github" })).toEqual([]);
    expect(await ids({ sourceId: s.id, after: 10_000, before: 30_000 })).toEqual([rows[1]!.id]);
    const page = await requests.list({ sourceId: s.id }, { limit: 10 });
    expect(page.data[0]).not.toHaveProperty("body");
    expect(page.data[0]).not.toHaveProperty("headers");
  });

  it("counts by outcome and samples processing times within a range, per application and provider", async () => {
    const s = await source("talabat");
    const at = 5_000_000;
    await insert(
      request(s.id, { provider: "talabat", status: "accepted", received_at: at, processing_ms: 3 }),
      request(s.id, {
        provider: "talabat",
        status: "rejected",
        reason: "invalid_credentials",
        received_at: at + 1,
        processing_ms: 1,
      }),
      request(s.id, {
        provider: "talabat",
        status: "rejected",
        reason: "invalid_credentials",
        received_at: at + 2,
        processing_ms: 2,
      }),
      request(s.id, { provider: "talabat", status: "duplicate", received_at: at + 3, processing_ms: 4 }),
      request(s.id, { provider: "talabat", status: "accepted", received_at: at + 100, processing_ms: 9 }),
    );
    const range = { from: at, to: at + 100, appId, provider: "talabat" };
    expect(await requests.countByStatus(range)).toEqual({ accepted: 1, rejected: 2, duplicate: 1 });
    expect(await requests.countByOutcome(range)).toEqual(
      expect.arrayContaining([
        { provider: "talabat", status: "rejected", reason: "invalid_credentials", n: 2 },
        { provider: "talabat", status: "accepted", reason: null, n: 1 },
      ]),
    );
    expect((await requests.processingSample(range)).sort()).toEqual([1, 2, 3, 4]);
    expect(await requests.countByStatus({ ...range, appId: newId("app") })).toEqual({
      accepted: 0,
      rejected: 0,
      duplicate: 0,
    });
  });

  it("finds a delivery platform's source by application id or uid, one per application", async () => {
    const s = await source("careem", "careem");
    expect((await sources.findForPlatform("careem", appId))?.id).toBe(s.id);
    expect((await sources.findForPlatform("careem", `repo-${kind}`))?.id).toBe(s.id);
    expect(await sources.findForPlatform("talabat", appId)).toBeUndefined();
    const error = await source("careem", "careem").catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it("removes sources and their log with the application (foreign keys cascade)", async () => {
    const otherApp = newId("app");
    await t.store.db
      .insertInto("applications")
      .values({
        id: otherApp,
        uid: null,
        name: "gone",
        metadata: "{}",
        throttle_rate: null,
        created_at: 0,
        updated_at: 0,
      })
      .execute();
    const row: SourceRow = {
      id: newId("src"),
      app_id: otherApp,
      uid: null,
      name: "s",
      provider: "stripe",
      platform: null,
      config: "{}",
      created_at: 0,
      updated_at: 0,
    };
    await sources.insert(row);
    await insert(request(row.id, { app_id: otherApp }));
    await t.store.db.deleteFrom("applications").where("id", "=", otherApp).execute();
    expect(await sources.get(row.id)).toBeUndefined();
    const left = await t.store.db
      .selectFrom("inbound_requests")
      .select("id")
      .where("source_id", "=", row.id)
      .execute();
    expect(left).toEqual([]);
  });
});
