import { describe, expect, it } from "vitest";

import { ID_BODY_LENGTH, idAt, idTime, newId } from "./ids.js";

describe("ids", () => {
  it("are prefixed, fixed-width and strictly increasing within a process", () => {
    const ids = Array.from({ length: 5_000 }, () => newId("msg"));
    for (const id of ids) expect(id).toMatch(new RegExp(`^msg_[0-9A-Za-z]{${ID_BODY_LENGTH}}$`));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("encode their creation time", () => {
    const before = Date.now();
    const id = newId("ep");
    expect(idTime(id)).toBeGreaterThanOrEqual(before);
    expect(idTime(id)).toBeLessThanOrEqual(Date.now());
    expect(idTime("ep_short")).toBeUndefined();
  });

  it("idAt bounds ids made at or after a time", () => {
    const t = new Date(Date.now() - 60_000);
    const bound = idAt("msg", t);
    expect(newId("msg") > bound).toBe(true);
    expect(idTime(bound)).toBe(t.getTime());
    expect(idAt("msg", new Date(t.getTime() + 1)) > bound).toBe(true);
  });
});
