import { describe, expect, it } from "vitest";

import type { InboundRequest } from "./provider.js";
import { getProvider, providerNames } from "./registry.js";

// One valid configuration per provider; the test below fails if a provider is added without one.
const CONFIGS: Record<string, unknown> = {
  careem: { secret: "s", clientId: "c", apiKey: "k" },
  talabat: { apiKey: "k" },
  deliveroo: { secret: "s" },
  jahez: { token: "t" },
  "standard-webhooks": { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
  stripe: { secret: "whsec_s" },
  github: { secret: "s" },
  shopify: { secret: "s" },
  slack: { secret: "s" },
  clerk: { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
  resend: { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
  zoom: { secret: "s" },
  segment: { secret: "s" },
  hubspot: { secret: "s", url: "https://hooks.example.com/ingest/src_1" },
  twilio: { secret: "s", url: "https://hooks.example.com/ingest/src_1" },
  hmac: {
    secret: "s",
    header: "x-sig",
    template: "{timestamp}.{id}.{body}",
    timestampHeader: "x-ts",
    idHeader: "x-id",
  },
};

const NOW = new Date("2024-09-27T10:30:00Z");

const HOSTILE_HEADERS = {
  "x-careem-signature": "0".repeat(64),
  "x-careem-timestamp": String(NOW.getTime() / 1000),
  "x-talabat-api-key": "wrong",
  "x-deliveroo-hmac-sha256": Buffer.alloc(32).toString("base64"),
  authorization: "Bearer wrong",
  "webhook-id": "msg_1",
  "webhook-timestamp": String(NOW.getTime() / 1000),
  "webhook-signature": `v1,${Buffer.alloc(32).toString("base64")}`,
  "stripe-signature": `t=${NOW.getTime() / 1000},v1=${"0".repeat(64)}`,
  "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
  "x-shopify-hmac-sha256": Buffer.alloc(32).toString("base64"),
  "x-slack-signature": `v0=${"0".repeat(64)}`,
  "x-slack-request-timestamp": String(NOW.getTime() / 1000),
  "x-zm-signature": `v0=${"0".repeat(64)}`,
  "x-zm-request-timestamp": String(NOW.getTime() / 1000),
  "x-signature": "0".repeat(40),
  "x-hubspot-signature-v3": Buffer.alloc(32).toString("base64"),
  "x-hubspot-request-timestamp": String(NOW.getTime()),
  "x-twilio-signature": Buffer.alloc(20).toString("base64"),
  "svix-id": "msg_1",
  "svix-timestamp": String(NOW.getTime() / 1000),
  "svix-signature": `v1,${Buffer.alloc(32).toString("base64")}`,
  "x-sig": "0".repeat(64),
  "x-ts": String(NOW.getTime() / 1000),
  "x-id": "1",
};

describe("registry", () => {
  it("registers every provider under its own name", () => {
    expect([...providerNames].sort()).toEqual(Object.keys(CONFIGS).sort());
    for (const name of providerNames) expect(getProvider(name)?.name).toBe(name);
  });

  it("returns undefined for unknown names, including prototype keys", () => {
    expect(getProvider("nope")).toBeUndefined();
    expect(getProvider("constructor")).toBeUndefined();
    expect(getProvider("__proto__")).toBeUndefined();
  });

  it("exposes frozen providers", () => {
    for (const name of providerNames) expect(Object.isFrozen(getProvider(name))).toBe(true);
  });
});

describe.each(Object.keys(CONFIGS))("provider %s", (name) => {
  const provider = getProvider(name)!;
  const config = provider.configSchema.parse(CONFIGS[name]);

  it("rejects a request with no headers", () => {
    expect(provider.verify({ rawBody: Buffer.from("{}"), headers: {} }, config, NOW).ok).toBe(false);
  });

  it("rejects plausible-looking but unsigned headers", () => {
    expect(provider.verify({ rawBody: Buffer.from("{}"), headers: HOSTILE_HEADERS }, config, NOW).ok).toBe(
      false,
    );
  });

  it("fails closed instead of throwing on inputs outside its contract", () => {
    const broken = [
      { rawBody: undefined, headers: HOSTILE_HEADERS },
      { rawBody: "not a buffer", headers: HOSTILE_HEADERS },
      { rawBody: Buffer.from("{}"), headers: undefined },
      {
        rawBody: Buffer.from("{}"),
        headers: { ...HOSTILE_HEADERS, "x-careem-signature": 42, authorization: {} },
      },
    ] as unknown as InboundRequest[];
    for (const req of broken) {
      expect(provider.verify(req, config, NOW)).toMatchObject({ ok: false });
      expect(provider.verify(req, undefined as never, NOW)).toMatchObject({ ok: false });
    }
    expect(
      provider.verify({ rawBody: Buffer.from("{}"), headers: HOSTILE_HEADERS }, config, new Date(NaN)).ok,
    ).toBe(false);
  });

  it("never throws from eventType, eventId, dedupeKey or normalize", () => {
    for (const body of [undefined, null, 0, "x", [], { data: null }, { data: { order: [] } }]) {
      expect(typeof provider.eventType(body, {}, config)).toBe("string");
      expect(() => provider.eventId(body, {}, config)).not.toThrow();
      const key = provider.dedupeKey({ rawBody: Buffer.from("{}"), body, headers: {} }, config);
      expect(typeof key === "string" && key !== "").toBe(true);
      const hostile = { rawBody: Buffer.from("{}"), body, headers: undefined } as never;
      expect(provider.dedupeKey(hostile, undefined as never)).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(() => provider.eventType(body, undefined as never, undefined as never)).not.toThrow();
      expect(() => provider.normalize?.("order.created", body)).not.toThrow();
    }
  });
});
