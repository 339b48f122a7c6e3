import { describe, expect, it } from "vitest";

import { TEST_POSTGRES_URL } from "../test-support/postgres.js";
import { openTestStore, Seed, storePerTest } from "../test-support/store.js";
import { openStore } from "./database.js";
import { EndpointsRepository } from "./endpoints-repository.js";
import { FanoutCache } from "./fanout-cache.js";

describe("FanoutCache", () => {
  const t = storePerTest("sqlite");

  it("lists each application's enabled endpoints with their parsed filters", async () => {
    const a = await t.seed.app();
    const b = await t.seed.app();
    const one = await t.seed.endpoint(a, { event_types: '["order.created"]', channels: '["eu"]' });
    await t.seed.endpoint(a, { disabled: 1 });
    const routes = await new FanoutCache(t.store.db).forApps([a, b]);
    expect(routes.get(a)).toEqual([{ id: one, eventTypes: ["order.created"], channels: ["eu"], contentFilter: null }]);
    expect(routes.get(b)).toEqual([]);
  });

  it("compiles each endpoint's content filter once per text; one that does not compile matches nothing", async () => {
    const a = await t.seed.app();
    const filtered = await t.seed.endpoint(a, { content_filter: '{"amount":{"$gte":100}}' });
    const broken = await t.seed.endpoint(a, { content_filter: '{"amount":{"$like":"1%"}}' });
    const cache = new FanoutCache(t.store.db, 0);
    const routes = new Map((await cache.forApps([a])).get(a)!.map((r) => [r.id, r]));
    expect(routes.get(filtered)!.contentFilter!({ amount: 150 })).toBe(true);
    expect(routes.get(filtered)!.contentFilter!({ amount: 50 })).toBe(false);
    expect(routes.get(broken)!.contentFilter!({ amount: "1%" })).toBe(false);
    const again = new Map((await cache.forApps([a])).get(a)!.map((r) => [r.id, r]));
    expect(again.get(filtered)!.contentFilter).toBe(routes.get(filtered)!.contentFilter);
  });

  it("serves from memory until the TTL ends", async () => {
    const a = await t.seed.app();
    const routes = new FanoutCache(t.store.db, 60_000);
    expect(await routes.forApps([a])).toEqual(new Map([[a, []]]));
    // Written behind the cache's back (as another process would): not seen yet.
    await t.seed.endpoint(a);
    expect((await routes.forApps([a])).get(a)).toHaveLength(0);

    const shortLived = new FanoutCache(t.store.db, 1);
    await shortLived.forApps([a]);
    await new Promise((r) => setTimeout(r, 5));
    expect((await shortLived.forApps([a])).get(a)).toHaveLength(1);
  });

  it("is dropped by every endpoint write made through the repository", async () => {
    const a = await t.seed.app();
    const routes = t.store.fanoutCache;
    const endpoints = new EndpointsRepository(t.store.db, routes);
    expect((await routes.forApps([a])).get(a)).toEqual([]);

    const id = await t.seed.endpoint(a);
    const row = (await endpoints.get(id))!;
    await t.store.db.deleteFrom("endpoints").execute();
    await endpoints.insert(row);
    expect((await routes.forApps([a])).get(a)!.map((r) => r.id)).toEqual([id]);

    await endpoints.update(id, { event_types: '["a.b"]' });
    expect((await routes.forApps([a])).get(a)![0]!.eventTypes).toEqual(["a.b"]);

    await endpoints.updateIf(id, { headers: "{}" }, { disabled: 1 });
    expect((await routes.forApps([a])).get(a)).toEqual([]);

    await endpoints.update(id, { disabled: 0 });
    await endpoints.delete(id);
    expect((await routes.forApps([a])).get(a)).toEqual([]);
  });

  it("does not keep a load that an invalidation overtook", async () => {
    const a = await t.seed.app();
    const routes = new FanoutCache(t.store.db, 60_000);
    // An endpoint write commits and invalidates while this load is in flight: what the load
    // read may predate the write, so it must not be cached.
    const loading = routes.forApps([a]);
    routes.invalidate();
    expect((await loading).get(a)).toEqual([]);
    await t.seed.endpoint(a); // behind the cache's back: only a fresh read sees it
    expect((await routes.forApps([a])).get(a)).toHaveLength(1);
  });
});

describe.skipIf(!TEST_POSTGRES_URL)("FanoutCache on PostgreSQL", () => {
  it("reads on every call, so an endpoint created through another instance counts at once", async () => {
    const a = await openTestStore("postgres");
    const b = { store: await openStore({ dataDir: "/nonexistent", databaseUrl: a.url }) };
    try {
      const app = await new Seed(a.store).app();
      // Instance B fans a message out to the application: no endpoints yet.
      expect((await b.store.fanoutCache.forApps([app])).get(app)).toEqual([]);
      // Instance A creates one; B's very next batch must see it.
      const ep = await new Seed(a.store).endpoint(app);
      expect((await b.store.fanoutCache.forApps([app])).get(app)!.map((r) => r.id)).toEqual([ep]);
    } finally {
      await b.store.close();
      await a.close();
    }
  });
});
