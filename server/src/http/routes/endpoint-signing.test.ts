import { Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { generateEd25519Secret } from "../../lib/ed25519-keys.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

// svix-server's README key pair.
const SVIX_KEY = "whsk_6Xb/dCcHpPea21PS1N9VY/NZW723CEc77N4rJCubMbfVKIDij2HKpMKkioLlX0dRqSKJp4AJ6p9lMicMFs6Kvg==";
const SVIX_PUBLIC = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";

/** The signing fields of an endpoint through the API: keys, scheme, what is refused, what is audited. */
describeEachStore("endpoint signing keys and schemes through the API (%s)", (kind) => {
  let t: TestApp;
  let svix: Svix;
  const base = "/api/v1/app/signing/endpoint";

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    svix = new Svix(t.token, { serverUrl: address });
    await svix.application.create({ name: "Signing", uid: "signing" });
  });
  afterAll(async () => {
    await t.close();
  });

  async function request(method: "GET" | "POST" | "PUT" | "PATCH", url: string, payload?: object) {
    const res = await t.app.inject({ method, url, headers: t.auth, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, text: res.body, body: (res.body ? res.json() : {}) as Record<string, unknown> };
  }
  const lastAudit = async (id: string) =>
    (await t.store.db.selectFrom("audit_log").select("changes").where("resource_id", "=", id).orderBy("seq", "desc").executeTakeFirstOrThrow()).changes;

  it("takes a Svix whsk_ key, shows only its whpk_ key (endpoint, secret route, SDK), and seals the private key", async () => {
    const ep = await svix.endpoint.create("signing", { url: "https://example.com/ed", secret: SVIX_KEY });
    expect((await svix.endpoint.getSecret("signing", ep.id)).key).toBe(SVIX_PUBLIC);
    const out = await request("GET", `${base}/${ep.id}`);
    expect(out.body).toMatchObject({ signatureAlgorithm: "ed25519", publicKey: SVIX_PUBLIC, signatureScheme: "standard-webhooks" });
    const row = await t.store.db.selectFrom("endpoints").select(["secret", "public_key"]).where("id", "=", ep.id).executeTakeFirstOrThrow();
    expect(row.public_key).toBe(SVIX_PUBLIC);
    expect(row.secret).not.toContain(SVIX_KEY.slice(5, 40));
    expect(await lastAudit(ep.id)).not.toContain(SVIX_KEY.slice(5, 40));
  });

  it("generates an ed25519 key on request, on create and on rotation, and keeps the kind on a plain rotation", async () => {
    const created = await request("POST", base, { url: "https://example.com/gen", signatureAlgorithm: "ed25519" });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    const first = created.body.publicKey as string;
    expect(first).toMatch(/^whpk_/);
    expect((await request("POST", `${base}/${id}/secret/rotate`, {})).status).toBe(204);
    const second = (await request("GET", `${base}/${id}`)).body.publicKey as string;
    expect(second).toMatch(/^whpk_/);
    expect(second).not.toBe(first);
    expect((await request("POST", `${base}/${id}/secret/rotate`, { signatureAlgorithm: "hmac-sha256" })).status).toBe(204);
    expect((await request("GET", `${base}/${id}`)).body).toMatchObject({ signatureAlgorithm: "hmac-sha256", publicKey: null });
    expect((await svix.endpoint.getSecret("signing", id)).key).toMatch(/^whsec_/);
    // PATCH with a whsk_ secret rotates to it, like secret/rotate.
    const patched = await request("PATCH", `${base}/${id}`, { secret: SVIX_KEY });
    expect(patched.body).toMatchObject({ signatureAlgorithm: "ed25519", publicKey: SVIX_PUBLIC });
  });

  it("sets, audits and resets the scheme: PATCH keeps it, PUT without it goes back to the default", async () => {
    const created = await request("POST", base, { url: "https://example.com/wallet", signatureScheme: "x-webhook-signature" });
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ signatureScheme: "x-webhook-signature", signatureAlgorithm: "hmac-sha256" });
    expect((await request("PATCH", `${base}/${id}`, { description: "wallet" })).body).toMatchObject({ signatureScheme: "x-webhook-signature" });
    expect((await request("PATCH", `${base}/${id}`, { signatureScheme: "standard-webhooks" })).body).toMatchObject({ signatureScheme: "standard-webhooks" });
    expect(await lastAudit(id)).toContain("signatureScheme");
    await request("PATCH", `${base}/${id}`, { signatureScheme: "x-webhook-signature" });
    // The SDK's upsert (PUT) knows nothing of the field: like every other field, it is reset.
    await svix.endpoint.upsert("signing", id, { url: "https://example.com/wallet" });
    expect((await request("GET", `${base}/${id}`)).body).toMatchObject({ signatureScheme: "standard-webhooks" });
  });

  it("refuses keys and combinations that cannot sign, with a 422 and no change", async () => {
    const raw = Buffer.from(SVIX_KEY.slice(5), "base64");
    const mismatched = `whsk_${Buffer.concat([raw.subarray(0, 32), Buffer.alloc(32, 9)]).toString("base64")}`;
    for (const body of [
      { secret: mismatched },
      { secret: SVIX_PUBLIC },
      { secret: "whsk_short" },
      { signatureAlgorithm: "rsa" },
      { signatureScheme: "stripe" },
    ]) {
      const res = await request("POST", base, { url: "https://example.com/bad", ...body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    const mismatch = await request("POST", base, { url: "https://example.com/bad", secret: SVIX_KEY, signatureAlgorithm: "hmac-sha256" });
    expect(mismatch).toMatchObject({ status: 422, body: { code: "signature_algorithm_mismatch" } });
    const wrongScheme = await request("POST", base, { url: "https://example.com/bad", secret: generateEd25519Secret(), signatureScheme: "x-webhook-signature" });
    expect(wrongScheme).toMatchObject({ status: 422, body: { code: "signature_scheme_mismatch" } });

    // An ed25519 endpoint cannot switch to the HMAC-only scheme, nor an x-webhook one rotate to ed25519.
    const ed = await request("POST", base, { url: "https://example.com/ed2", signatureAlgorithm: "ed25519" });
    const edId = ed.body.id as string;
    expect((await request("PATCH", `${base}/${edId}`, { signatureScheme: "x-webhook-signature" })).status).toBe(422);
    const wallet = await request("POST", base, { url: "https://example.com/w2", signatureScheme: "x-webhook-signature" });
    const walletId = wallet.body.id as string;
    const before = (await request("GET", `${base}/${walletId}/secret`)).body.key;
    expect((await request("POST", `${base}/${walletId}/secret/rotate`, { signatureAlgorithm: "ed25519" })).status).toBe(422);
    expect((await request("POST", `${base}/${walletId}/secret/rotate`, { key: SVIX_KEY })).status).toBe(422);
    expect((await request("GET", `${base}/${walletId}/secret`)).body.key).toBe(before);
    // Both at once are fine: a whsec_ secret with the x-webhook scheme in one PATCH.
    const both = await request("PATCH", `${base}/${edId}`, { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", signatureScheme: "x-webhook-signature" });
    expect(both.body).toMatchObject({ signatureScheme: "x-webhook-signature", signatureAlgorithm: "hmac-sha256", publicKey: null });
  });

  it("HOOKRELAY_DEFAULT_SIGNATURE_ALGORITHM=ed25519 gives new endpoints ed25519 keys unless told otherwise", async () => {
    const edByDefault = await startTestApp({ defaultSignatureAlgorithm: "ed25519" }, kind);
    try {
      const post = async (payload: object) =>
        (await edByDefault.app.inject({ method: "POST", url: "/api/v1/app/d/endpoint", headers: edByDefault.auth, payload: { url: "https://example.com/d", ...payload } })).json<Record<string, unknown>>();
      await edByDefault.app.inject({ method: "POST", url: "/api/v1/app", headers: edByDefault.auth, payload: { name: "D", uid: "d" } });
      expect(await post({})).toMatchObject({ signatureAlgorithm: "ed25519" });
      expect(await post({ signatureAlgorithm: "hmac-sha256" })).toMatchObject({ signatureAlgorithm: "hmac-sha256" });
      expect(await post({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" })).toMatchObject({ signatureAlgorithm: "hmac-sha256" });
      // The HMAC-only scheme gets an HMAC key rather than a refusal.
      expect(await post({ signatureScheme: "x-webhook-signature" })).toMatchObject({ signatureAlgorithm: "hmac-sha256", signatureScheme: "x-webhook-signature" });
    } finally {
      await edByDefault.close();
    }
  });
});
