import { Svix } from "svix";
import { afterAll, beforeAll, expect, it } from "vitest";

import { CircuitState } from "../../store/schema.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

/** The per-endpoint cap and breaker settings, and the circuit in the endpoint's API output. */
describeEachStore("endpoint circuit and in-flight cap through the API (%s)", (kind) => {
  let t: TestApp;
  let svix: Svix;

  beforeAll(async () => {
    t = await startTestApp({}, kind);
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    svix = new Svix(t.token, { serverUrl: address });
    await svix.application.create({ name: "Circuit", uid: "circuit" });
  });
  afterAll(async () => {
    await t.close();
  });

  async function request(method: "GET" | "POST" | "PUT" | "PATCH", url: string, payload?: object) {
    const res = await t.app.inject({ method, url, headers: t.auth, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  }

  it("stores maxInFlight and disableAfterFailures, shows the circuit, and keeps the svix SDK working", async () => {
    const created = await request("POST", "/api/v1/app/circuit/endpoint", {
      url: "https://example.com/hook",
      maxInFlight: 8,
      disableAfterFailures: 10,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      maxInFlight: 8,
      disableAfterFailures: 10,
      circuit: { state: "closed", consecutiveFailures: 0, nextProbeAt: null },
    });
    const id = created.body.id as string;

    const probeAt = Date.UTC(2030, 0, 1);
    await t.store.db
      .updateTable("endpoints")
      .set({ circuit_state: CircuitState.open, consecutive_failures: 21, circuit_next_probe_at: probeAt })
      .where("id", "=", id)
      .execute();
    expect((await request("GET", `/api/v1/app/circuit/endpoint/${id}`)).body.circuit).toEqual({
      state: "open",
      consecutiveFailures: 21,
      nextProbeAt: new Date(probeAt).toISOString(),
    });

    // The official SDK parses the output (the extra fields are ignored) and its own writes keep working.
    const fromSdk = await svix.endpoint.get("circuit", id);
    expect(fromSdk.id).toBe(id);
    expect((await svix.endpoint.list("circuit")).data.map((e) => e.id)).toContain(id);
    const updated = await svix.endpoint.upsert("circuit", id, { url: "https://example.com/other" });
    expect(updated.url).toBe("https://example.com/other");
    // A PUT (what the SDK's upsert sends) resets what it leaves out, as for every other field.
    expect((await request("GET", `/api/v1/app/circuit/endpoint/${id}`)).body).toMatchObject({
      maxInFlight: null,
      disableAfterFailures: null,
    });

    const patched = await request("PATCH", `/api/v1/app/circuit/endpoint/${id}`, { maxInFlight: 2 });
    expect(patched.body).toMatchObject({ maxInFlight: 2, disableAfterFailures: null });
    const audit = await t.store.db
      .selectFrom("audit_log")
      .select("changes")
      .where("resource_id", "=", id)
      .orderBy("seq", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.changes).toContain("maxInFlight");
  });

  it("re-enabling a disabled endpoint closes its circuit and clears the failure count", async () => {
    const ep = await svix.endpoint.create("circuit", { url: "https://example.com/again" });
    await t.store.db
      .updateTable("endpoints")
      .set({ disabled: 1, circuit_state: CircuitState.open, consecutive_failures: 10, circuit_next_probe_at: Date.now() })
      .where("id", "=", ep.id)
      .execute();
    const enabled = await request("PATCH", `/api/v1/app/circuit/endpoint/${ep.id}`, { disabled: false });
    expect(enabled.body).toMatchObject({ disabled: false, circuit: { state: "closed", consecutiveFailures: 0, nextProbeAt: null } });
  });

  it("a new URL closes the circuit (another receiver); the same URL sent again keeps it", async () => {
    const ep = await svix.endpoint.create("circuit", { url: "https://example.com/broken" });
    const open = { circuit_state: CircuitState.open, consecutive_failures: 25, circuit_opens: 2, circuit_next_probe_at: Date.now() + 60_000 };
    await t.store.db.updateTable("endpoints").set(open).where("id", "=", ep.id).execute();
    const same = await request("PATCH", `/api/v1/app/circuit/endpoint/${ep.id}`, { url: "https://example.com/broken", description: "d" });
    expect(same.body).toMatchObject({ circuit: { state: "open", consecutiveFailures: 25 } });
    const moved = await request("PATCH", `/api/v1/app/circuit/endpoint/${ep.id}`, { url: "https://example.com/fixed" });
    expect(moved.body).toMatchObject({ url: "https://example.com/fixed", circuit: { state: "closed", consecutiveFailures: 0, nextProbeAt: null } });
    const row = await t.store.db.selectFrom("endpoints").select(["circuit_opens", "first_failure_at"]).where("id", "=", ep.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ circuit_opens: 0, first_failure_at: null });
  });

  it("refuses a cap or a disable count out of range with a 422 naming the field", async () => {
    for (const body of [{ maxInFlight: 0 }, { maxInFlight: 10_001 }, { disableAfterFailures: 0 }, { maxInFlight: "8" }]) {
      const res = await request("POST", "/api/v1/app/circuit/endpoint", { url: "https://example.com/bad", ...body });
      // Validation errors keep Svix's shape, `{ detail: [{ loc, msg, type }] }`, as for every field.
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.body.detail)).toContain(Object.keys(body)[0]!);
    }
  });
});
