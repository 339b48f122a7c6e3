import { describe, expect, it } from "vitest";

import { DeliveryStatus } from "../store/schema.js";
import {
  DELIVERY_STATUS,
  DELIVERY_STATUS_CODES,
  DELIVERY_STATUS_NAMES,
  deliveryStatusName,
} from "./delivery-status.js";

describe("delivery status", () => {
  it("maps every name to its number and back", () => {
    for (const name of DELIVERY_STATUS_NAMES) {
      expect(deliveryStatusName(DELIVERY_STATUS[name])).toBe(name);
    }
    expect(DELIVERY_STATUS_CODES.map((c) => deliveryStatusName(c))).toEqual([...DELIVERY_STATUS_NAMES]);
  });

  it("keeps Svix's numbering", () => {
    expect(DELIVERY_STATUS).toEqual({ success: 0, pending: 1, fail: 2, sending: 3 });
  });

  it("has no name for a number that is not a status", () => {
    expect(deliveryStatusName(4)).toBeUndefined();
    expect(deliveryStatusName(-1)).toBeUndefined();
    expect(deliveryStatusName(1.5)).toBeUndefined();
  });

  // The store keeps its own numeric constant (it may not import the contract): the two agree.
  it("agrees with the numbers the store writes", () => {
    expect({ ...DeliveryStatus }).toEqual(DELIVERY_STATUS);
  });
});
