import { describe, expect, it } from "vitest";

import { headersPatch, rowsFromStored } from "./headersPatch";

describe("headersPatch", () => {
  const stored = { "X-Tenant": "acme", Authorization: "********" };
  const sensitive = ["Authorization"];

  it("sends nothing when nothing changed, even for masked headers", () => {
    expect(headersPatch(stored, sensitive, rowsFromStored(stored, sensitive))).toEqual({
      headers: {},
      deleteHeaders: [],
    });
  });

  it("sends changed and new headers, and deletes removed ones", () => {
    const rows = [
      { key: 0, name: "X-Tenant", value: "globex" },
      { key: 2, name: "X-New", value: "1" },
    ];
    expect(headersPatch(stored, sensitive, rows)).toEqual({
      headers: { "X-Tenant": "globex", "X-New": "1" },
      deleteHeaders: ["Authorization"],
    });
  });

  it("replaces a sensitive header only when a new value is typed", () => {
    const rows = [
      { key: 0, name: "X-Tenant", value: "acme" },
      { key: 1, name: "Authorization", value: "Bearer new" },
    ];
    expect(headersPatch(stored, sensitive, rows).headers).toEqual({ Authorization: "Bearer new" });
  });
});
