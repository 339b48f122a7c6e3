import { expect, it } from "vitest";

import { generateKey, isSealed, Keyring } from "../lib/keyring.js";
import { IdempotencyRepository } from "../store/idempotency-repository.js";
import { describeEachStore } from "../test-support/postgres.js";
import { storePerTest } from "../test-support/store.js";
import { idempotencyHash, IdempotencyService } from "./idempotency.js";
import { CLI_ACTOR, type Principal } from "./principal.js";

const alice: Principal = { ...CLI_ACTOR, tokenId: "tok_alice", name: "alice" };
const bob: Principal = { ...CLI_ACTOR, tokenId: "tok_bob", name: "bob" };

describeEachStore("IdempotencyService on %s", (dialect) => {
  const t = storePerTest(dialect);
  const service = (ttlSeconds = 3_600) =>
    new IdempotencyService(
      new IdempotencyRepository(t.store.db, Keyring.of({ current: generateKey(), previous: [] })),
      ttlSeconds,
    );

  it("replays a saved response to the token that made it, and to no other", async () => {
    const idempotency = service();
    expect(await idempotency.find(alice, "k1")).toBeUndefined();
    await idempotency.save({ principal: alice, key: "k1", statusCode: 201 }, '{"id":"a"}');
    expect(await idempotency.find(alice, "k1")).toEqual({ statusCode: 201, body: '{"id":"a"}' });
    expect(await idempotency.find(bob, "k1")).toBeUndefined();
    expect(await idempotency.find(alice, "k2")).toBeUndefined();
  });

  it("keeps the first response saved under a key", async () => {
    const idempotency = service();
    await idempotency.save({ principal: alice, key: "k1", statusCode: 200 }, '"first"');
    await idempotency.save({ principal: alice, key: "k1", statusCode: 200 }, '"second"');
    expect((await idempotency.find(alice, "k1"))?.body).toBe('"first"');
  });

  it("stops replaying after the TTL, and stores bodies sealed under the hashed key", async () => {
    const idempotency = service(0);
    await idempotency.save({ principal: alice, key: "k1", statusCode: 200 }, '{"token":"secret"}');
    expect(await idempotency.find(alice, "k1")).toBeUndefined();
    const row = await t.store.db.selectFrom("idempotency_keys").selectAll().executeTakeFirstOrThrow();
    expect(row.key).toBe(idempotencyHash("tok_alice", "k1"));
    expect(isSealed(row.body)).toBe(true);
  });

  it("builds the record a use case commits with its data, or none without a key", () => {
    const idempotency = service(60);
    const before = Date.now();
    const row = idempotency.record({ principal: alice, key: "k1", statusCode: 202 }, { id: "msg_1" });
    expect(row).toMatchObject({ key: idempotencyHash("tok_alice", "k1"), status_code: 202, body: '{"id":"msg_1"}' });
    expect(row!.expires_at - row!.created_at).toBe(60_000);
    expect(row!.created_at).toBeGreaterThanOrEqual(before);
    expect(idempotency.record(undefined, { id: "msg_1" })).toBeUndefined();
  });
});
