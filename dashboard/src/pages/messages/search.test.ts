import { describe, expect, it } from "vitest";

import { hasFilters, parseMessageSearch } from "./search";

describe("parseMessageSearch", () => {
  it("keeps known filters and drops junk", () => {
    expect(
      parseMessageSearch({ eventType: " order.created ", status: "fail", endpoint: "ep_1", extra: 1 }),
    ).toEqual({
      eventType: "order.created",
      status: "fail",
      endpoint: "ep_1",
      after: undefined,
      before: undefined,
      id: undefined,
    });
    expect(parseMessageSearch({ status: "exploded", eventType: 3 }).status).toBeUndefined();
  });

  it("knows when anything is filtered", () => {
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ id: "msg_1" })).toBe(true);
  });
});
