import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { newId } from "../lib/ids.js";
import { generateKey, Keyring } from "../lib/keyring.js";
import { startTestApp, type TestApp } from "../test-support/harness.js";
import { inboundRequestRow } from "../test-support/inbound-request-row.js";
import { describeEachStore } from "../test-support/postgres.js";
import { IdempotencyRepository } from "./idempotency-repository.js";
import { InboundRequestsRepository } from "./inbound-requests-repository.js";
import type { NewMessage } from "./message-batch.js";
import { MessageWriter } from "./message-writer.js";
import type { InboundRequestRow, MessageRow, SourceRow } from "./schema.js";
import { SourcesRepository } from "./sources-repository.js";

const WINDOW = 60_000;

/** The message writer behaves the same on every store (set TEST_POSTGRES_URL to include PostgreSQL). */
describeEachStore("MessageWriter on %s", (kind) => {
  let t: TestApp;
  let requests: InboundRequestsRepository;
  let sources: SourcesRepository;
  let writer: MessageWriter;
  let appId: string;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    requests = new InboundRequestsRepository(t.store);
    sources = new SourcesRepository(t.store.db);
    const keyring = Keyring.of({ current: generateKey(), previous: [] });
    writer = new MessageWriter(t.store, new IdempotencyRepository(t.store.db, keyring), {
      inboundDedupeWindowMs: WINDOW,
    });
    appId = newId("app");
    await t.store.db
      .insertInto("applications")
      .values({
        id: appId,
        uid: `writer-${kind}`,
        name: "writer",
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

  async function source(provider = "stripe"): Promise<SourceRow> {
    const row: SourceRow = {
      id: newId("src"),
      app_id: appId,
      uid: `s-${++counter}`,
      name: "s",
      provider,
      platform: null,
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


  describe("write: inbound de-duplication", () => {

    function item(sourceId: string, key: string | null, receivedAt: number): NewMessage {
      const message: MessageRow = {
        id: newId("msg"),
        app_id: appId,
        event_type: "order.created",
        event_id: null,
        payload: "{}",
        channels: null,
        tags: null,
        deliver_at: null,
        created_at: receivedAt,
        expires_at: receivedAt + 1_000_000,
      };
      return {
        message,
        inboundRequest: request(sourceId, { dedupe_key: key, msg_id: message.id, received_at: receivedAt }),
      };
    }

    const write = (items: NewMessage[]) => writer.write(items);

    it("answers a copy within the window with the first copy's message and writes nothing for it", async () => {
      const s = await source();
      const first = item(s.id, "evt_a", 1_000_000);
      expect(await write([first])).toEqual([{ ok: true }]);
      const copy = item(s.id, "evt_a", 1_000_000 + WINDOW - 1);
      expect(await write([copy])).toEqual([
        { ok: false, reason: "duplicate_inbound", msgId: first.message.id },
      ]);
      expect(await requests.find(s.id, copy.inboundRequest!.id)).toBeUndefined();
      expect(
        await t.store.db.selectFrom("messages").select("id").where("id", "=", copy.message.id).execute(),
      ).toEqual([]);
    });

    it("accepts a copy once the window has passed, moving the key to it", async () => {
      const s = await source();
      const first = item(s.id, "evt_b", 2_000_000);
      await write([first]);
      const later = item(s.id, "evt_b", 2_000_000 + WINDOW + 1);
      expect(await write([later])).toEqual([{ ok: true }]);
      expect(await requests.findDedupeHolder(s.id, "evt_b")).toMatchObject({ id: later.inboundRequest!.id });
      expect((await requests.find(s.id, first.inboundRequest!.id))?.dedupe_key).toBeNull();
    });

    it("holds a key until the holder's own dedupe_until when it has one, past the default window", async () => {
      const s = await source();
      const first = item(s.id, "evt_hold", 4_000_000);
      first.inboundRequest!.dedupe_until = 4_000_000 + 10 * WINDOW;
      await write([first]);
      const late = item(s.id, "evt_hold", 4_000_000 + 10 * WINDOW - 1);
      expect(await write([late])).toEqual([{ ok: false, reason: "duplicate_inbound", msgId: first.message.id }]);
      const after = item(s.id, "evt_hold", 4_000_000 + 10 * WINDOW);
      expect(await write([after])).toEqual([{ ok: true }]);
    });

    it("catches copies within one batch, per source, and lets other items through untouched", async () => {
      const s = await source();
      const other = await source();
      const a = item(s.id, "evt_c", 3_000_000);
      const b = item(s.id, "evt_c", 3_000_001);
      const c = item(other.id, "evt_c", 3_000_002);
      const d = item(s.id, null, 3_000_003);
      const plain: NewMessage = { message: { ...a.message, id: newId("msg") } };
      expect(await write([a, b, c, d, plain])).toEqual([
        { ok: true },
        { ok: false, reason: "duplicate_inbound", msgId: a.message.id },
        { ok: true },
        { ok: true },
        { ok: true },
      ]);
    });
  });
});
