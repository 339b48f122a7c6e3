import { afterAll, beforeAll, expect, it } from "vitest";

import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

/** `GET /api/v1/app/{app}/msg?tag=…`: the messages carrying that tag, exactly (Svix semantics). */
describeEachStore("message list by tag on %s", (kind) => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    const call = (url: string, payload: object) => t.app.inject({ method: "POST", url, headers: t.auth, payload });
    expect((await call("/api/v1/app", { name: "T", uid: "t" })).statusCode).toBe(201);
    const messages: [string, string[] | undefined][] = [
      ["first", ["project_1", "Urgent"]],
      ["tenth", ["project_10"]],
      ["untagged", undefined],
      ["both", ["Urgent", "project_1"]],
    ];
    for (const [name, tags] of messages) {
      const res = await call("/api/v1/app/t/msg", { eventType: `e.${name}`, payload: { name }, ...(tags ? { tags } : {}) });
      expect(res.statusCode).toBe(202);
      ids[name] = res.json<{ id: string }>().id;
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (query: string) => {
    const res = await t.app.inject({ url: `/api/v1/app/t/msg?${query}`, headers: t.auth });
    return { status: res.statusCode, body: res.json<{ data: { id: string }[]; done: boolean; iterator: string | null }>() };
  };

  it("returns only messages carrying the tag, matched whole and case-sensitively", async () => {
    const byTag = async (tag: string) => (await list(`tag=${encodeURIComponent(tag)}`)).body.data.map((m) => m.id);
    expect(await byTag("project_1")).toEqual([ids.both, ids.first]);
    expect(await byTag("project_10")).toEqual([ids.tenth]);
    expect(await byTag("Urgent")).toEqual([ids.both, ids.first]);
    expect(await byTag("urgent")).toEqual([]);
    expect(await byTag("project")).toEqual([]);
    expect(await byTag("project_")).toEqual([]);
    expect((await list("")).body.data).toHaveLength(4);
  });

  it("combines with the other filters and pages", async () => {
    expect((await list("tag=Urgent&event_types=e.first,e.tenth")).body.data.map((m) => m.id)).toEqual([ids.first]);
    const page1 = await list("tag=project_1&limit=1");
    expect(page1.body.data.map((m) => m.id)).toEqual([ids.both]);
    expect(page1.body.done).toBe(false);
    const page2 = await list(`tag=project_1&limit=1&iterator=${page1.body.iterator}`);
    expect(page2.body.data.map((m) => m.id)).toEqual([ids.first]);
  });

  it("refuses a tag Svix would refuse with a 4xx, not a 5xx", async () => {
    const res = await list(`tag=${encodeURIComponent('a","b')}`);
    expect(res.status).toBe(422);
  });
});
