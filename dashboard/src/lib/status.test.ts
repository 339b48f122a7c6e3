import { describe, expect, it } from "vitest";

import { STATUS_LABELS, statusName } from "./status";

describe("statusName", () => {
  it("names Svix delivery status numbers", () => {
    expect([0, 1, 2, 3].map((n) => statusName(n))).toEqual(["success", "pending", "fail", "sending"]);
  });

  it("keeps names and falls back to unknown", () => {
    expect(statusName("rejected")).toBe("rejected");
    expect(statusName(7)).toBe("unknown");
    expect(statusName(null)).toBe("unknown");
    expect(statusName(undefined)).toBe("unknown");
  });

  it("has a label for every delivery status", () => {
    for (const n of [0, 1, 2, 3]) expect(STATUS_LABELS[statusName(n)]).toBeDefined();
  });
});
