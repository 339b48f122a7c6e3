import { describe, expect, it } from "vitest";

import { ApiError } from "../lib/errors.js";
import { getProvider } from "../providers/registry.js";
import { followIngestUrl, INGEST_SOURCE_TYPES, keepAbsentSecrets, mapIngestConfig } from "./ingest-source-config.js";
import { validateConfig } from "./source-config.js";

const URL = "https://hooks.example.com/ingest/in/tok";
const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** The provider's validated, stored config of an ingest source of `type`, as the service stores it. */
function stored(type: string, config: Record<string, unknown> | null | undefined): { provider: string; config: Record<string, unknown> } {
  const mapped = mapIngestConfig(type, config, URL);
  return { provider: mapped.provider, config: validateConfig(getProvider(mapped.provider)!, mapped.config) };
}

describe("mapIngestConfig", () => {
  it("maps Svix's { secret } configs onto the provider of the same name", () => {
    for (const type of ["stripe", "github", "shopify", "slack", "zoom", "segment", "clerk", "resend"]) {
      const secret = ["clerk", "resend"].includes(type) ? WHSEC : "s3cret";
      expect(stored(type, { secret })).toMatchObject({ provider: type, config: { secret } });
    }
  });

  it("verifies Svix-signed types (SvixConfig) with the Standard Webhooks scheme", () => {
    for (const type of ["svix", "brex", "open-ai", "replicate", "render", "lithic"]) {
      expect(stored(type, { secret: WHSEC })).toMatchObject({ provider: "standard-webhooks", config: { secret: WHSEC } });
    }
    // A secret that is not a whsec_ secret cannot verify anything: refused, not stored.
    expect(() => stored("svix", { secret: "not a secret!" })).toThrow(ApiError);
  });

  it("verifies nothing for generic-webhook, whose config is empty", () => {
    expect(stored("generic-webhook", undefined)).toMatchObject({ provider: "generic-webhook", config: { ipAllowlist: [] } });
    expect(() => stored("generic-webhook", { secret: "x" })).toThrow(/not a setting/);
  });

  it("gives HubSpot and Twilio, which sign the URL, the ingest URL unless one is set", () => {
    expect(stored("hubspot", { secret: "client-secret" }).config).toMatchObject({ secret: "client-secret", url: URL });
    expect(stored("twilio", { secret: "auth-token" }).config).toMatchObject({ url: URL });
    expect(stored("twilio", { secret: "auth-token", url: "https://proxy.example.com/twilio" }).config.url).toBe("https://proxy.example.com/twilio");
  });

  it("passes Hookrelay's own providers and settings through", () => {
    expect(stored("careem", { secret: "k", clientId: "c1", toleranceSeconds: 60 })).toMatchObject({
      provider: "careem",
      config: { secret: "k", clientId: "c1", toleranceSeconds: 60 },
    });
    expect(stored("talabat", { apiKey: "key" }).config).toMatchObject({ apiKey: "key" });
    expect(stored("jahez", { token: "t" }).config).toMatchObject({ token: "t" });
    expect(stored("hmac", { secret: "s", header: "X-Sig" }).config).toMatchObject({ header: "x-sig", algorithm: "sha256" });
    expect(stored("stripe", { secret: "s", ipAllowlist: ["203.0.113.0/24"] }).config.ipAllowlist).toEqual(["203.0.113.0/24"]);
  });

  it("treats the explicit nulls Svix's serializers send as absent", () => {
    expect(() => stored("github", { secret: null })).toThrow(/config.secret/);
    expect(stored("stripe", { secret: "s", toleranceSeconds: null }).config.toleranceSeconds).toBe(300);
  });

  it("refuses a type it cannot verify with a 422 naming the supported ones", () => {
    for (const type of ["cron", "adobe-sign", "meta", "nope"]) {
      let error: unknown;
      try {
        mapIngestConfig(type, {}, URL);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(422);
      expect((error as ApiError).message).toContain("stripe");
    }
  });

  it("lists only types whose provider exists", () => {
    for (const type of INGEST_SOURCE_TYPES) expect(getProvider(mapIngestConfig(type, {}, URL).provider), type).toBeDefined();
  });
});

describe("followIngestUrl and keepAbsentSecrets", () => {
  it("moves a url that was the old ingest URL, and keeps one the user chose", () => {
    expect(followIngestUrl({ secret: "s", url: URL }, URL, `${URL}2`)).toEqual({ secret: "s", url: `${URL}2` });
    const own = { secret: "s", url: "https://proxy.example.com/x" };
    expect(followIngestUrl(own, URL, `${URL}2`)).toBe(own);
  });

  it("keeps stored credentials a PUT leaves out (the SDK never reads them back), not the others", () => {
    expect(keepAbsentSecrets({ toleranceSeconds: 60 }, { secret: "s", toleranceSeconds: 300 })).toEqual({ secret: "s", toleranceSeconds: 60 });
    expect(keepAbsentSecrets({ secret: "new" }, { secret: "s" })).toEqual({ secret: "new" });
  });
});
