import { describe, expect, it } from "vitest";

import { genericWebhook } from "./generic-webhook.js";
import { getProvider, providerNames } from "./registry.js";

describe("generic-webhook", () => {
  const req = { rawBody: Buffer.from('{"type":"ping"}'), headers: {} };

  it("accepts any call, unsigned", () => {
    expect(genericWebhook.verify(req, {}, new Date())).toEqual({ ok: true });
  });

  it("reads the type from `type`, else `event`, else unknown", () => {
    expect(genericWebhook.eventType({ type: "ping" }, {}, {})).toBe("ping");
    expect(genericWebhook.eventType({ event: "order.paid" }, {}, {})).toBe("order.paid");
    expect(genericWebhook.eventType("text", {}, {})).toBe("unknown");
  });

  it("counts every call as new: nothing signed can tell a redelivery", () => {
    const a = genericWebhook.dedupeKey({ ...req, body: { type: "ping" } }, {});
    const b = genericWebhook.dedupeKey({ ...req, body: { type: "ping" } }, {});
    expect(a).not.toBe(b);
    expect(genericWebhook.signsTimestamp({})).toBe(false);
  });

  it("is found by name but is not a provider an application's source may name", () => {
    expect(getProvider("generic-webhook")).toBe(genericWebhook);
    expect(providerNames).not.toContain("generic-webhook");
  });
});
