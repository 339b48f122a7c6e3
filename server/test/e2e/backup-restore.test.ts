import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Webhook } from "standardwebhooks";
import { Svix } from "svix";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { hookrelayWith } from "../../src/test-support/cli.js";
import { createPgSchema, describeEachStore, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer, TEST_SECRET_KEY } from "../support/server-process.js";

const GH_SECRET = "github-hook-secret-for-backup-test";
const HEADER_VALUE = "receiver-credential-42";

interface Instance {
  env: Record<string, string>;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * `hookrelay export` from an instance with configuration, `hookrelay import` into a fresh empty
 * one (its own SQLite directory, or its own PostgreSQL schema), and the restored instance, run as
 * the real server, behaves as the original: the same ids and uids, a message reaches the loopback
 * receiver signed with the same secret and headers, the inbound source verifies. Also the
 * `--omit-secrets` path (new secrets, said so), and the refusals (newer format version, a
 * non-empty instance, a key ring that cannot open the secrets).
 */
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

describeEachStore("hookrelay export / import on %s", (kind) => {
  const instances: Instance[] = [];
  const servers: ServerProcess[] = [];
  let receiver: Receiver;
  let work: string;
  let source: Instance;
  let original: {
    appId: string;
    endpoint: unknown;
    secret: string;
    eventType: unknown;
    sourceId: string;
    opEndpointId: string;
  };

  async function instance(secretKey = TEST_SECRET_KEY): Promise<Instance> {
    const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-backup-"));
    const schema: PgSchema | undefined = kind === "postgres" ? await createPgSchema(TEST_POSTGRES_URL!) : undefined;
    const made: Instance = {
      dataDir,
      env: { HOOKRELAY_DATA_DIR: dataDir, HOOKRELAY_SECRET_KEY: secretKey, HOOKRELAY_LOG_LEVEL: "warn", ...(schema ? { DATABASE_URL: schema.url } : {}) },
      close: async () => {
        await schema?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
    instances.push(made);
    return made;
  }

  async function serve(at: Instance): Promise<{ svix: Svix; server: ServerProcess; api: (method: string, path: string, body?: unknown) => Promise<Response> }> {
    const server = await startServer({ dataDir: at.dataDir, env: { ...at.env, HOOKRELAY_RETRY_SCHEDULE: "1" } });
    servers.push(server);
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    return { svix: new Svix(server.token, { serverUrl: server.url }), server, api };
  }

  async function stop(server: ServerProcess): Promise<void> {
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
  }

  const ghSigned = (body: string, secret = GH_SECRET) => ({
    "content-type": "application/json",
    "x-github-event": "push",
    "x-github-delivery": `d-${Math.random()}`,
    "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "hookrelay-backup-files-"));
    receiver = await startReceiver();
    source = await instance();
    const { svix, server, api } = await serve(source);
    await svix.eventType.create({ name: "order.paid", description: "Paid", schemas: { "1": { type: "object" } } });
    expect((await api("PUT", "/api/v1/event-type/order.paid/retry-schedule", { retrySchedule: [2, 30] })).status).toBe(200);
    const app = await svix.application.create({ name: "Shop", uid: "shop", metadata: { tier: "gold" } });
    const ep = await svix.endpoint.create(app.id, { url: receiver.url, uid: "main", eventTypes: ["order.paid"], description: "Main", metadata: { team: "a" }, throttleRate: 50 });
    await svix.endpoint.setHeaders(app.id, ep.id, { headers: { "X-Receiver-Token": HEADER_VALUE } });
    await svix.endpoint.rotateSecret(app.id, ep.id, {});
    expect((await api("PUT", `/api/v1/app/${app.id}/endpoint/${ep.id}/retry-schedule`, { retrySchedule: [1, 5] })).status).toBe(200);
    const src = await api("POST", `/api/v1/app/${app.id}/source`, { name: "GitHub", provider: "github", config: { secret: GH_SECRET } });
    expect(src.status).toBe(201);
    const op = await svix.operationalWebhook.endpoint.create({ url: receiver.url, description: "ops" });
    original = {
      appId: app.id,
      endpoint: await svix.endpoint.get(app.id, ep.id),
      secret: (await svix.endpoint.getSecret(app.id, ep.id)).key,
      eventType: await svix.eventType.get("order.paid"),
      sourceId: ((await src.json()) as { id: string }).id,
      opEndpointId: op.id,
    };
    await stop(server);
  });

  afterAll(async () => {
    for (const s of [...servers]) await s.stop();
    await receiver?.close();
    for (const i of instances) await i.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("restores into an empty instance: same ids and secrets, delivers, verifies inbound", async () => {
    const file = join(work, "backup.json");
    const exported = await hookrelayWith(source.env, "export", "--out", file);
    expect(exported.code, exported.out).toBe(0);
    const text = readFileSync(file, "utf8");
    const doc = JSON.parse(text) as { format: string; version: number; secrets: string; keyIds: string[]; tables: Record<string, Record<string, unknown>[]> };
    expect(doc).toMatchObject({ format: "hookrelay-backup", version: 1, secrets: "sealed" });
    expect(doc.keyIds).toHaveLength(1);
    // Sealed: no secret in clear, and no runtime state (circuit counters) among the columns.
    for (const secret of [original.secret, HEADER_VALUE, GH_SECRET]) expect(text).not.toContain(secret.replace(/^whsec_/, ""));
    expect(doc.tables.endpoints).toHaveLength(2);
    expect(Object.keys(doc.tables.endpoints![0]!)).not.toContain("circuit_state");
    expect(Object.keys(doc.tables.endpoints![0]!)).toContain("retry_schedule");

    const target = await instance();
    const imported = await hookrelayWith(target.env, "import", file);
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out).toContain("imported: applications 2, event_types 1, endpoints 2, endpoint_transformations 0, sources 1, ingest_sources 0");

    const { svix, api } = await serve(target);
    expect((await svix.application.get("shop")).id).toBe(original.appId);
    expect(await svix.endpoint.get("shop", "main")).toEqual(original.endpoint);
    expect((await svix.endpoint.getSecret("shop", "main")).key).toBe(original.secret);
    expect((await svix.endpoint.getHeaders("shop", "main")).headers).toEqual({ "X-Receiver-Token": HEADER_VALUE });
    expect(await svix.eventType.get("order.paid")).toEqual(original.eventType);
    expect(await (await api("GET", "/api/v1/event-type/order.paid/retry-schedule")).json()).toMatchObject({ retrySchedule: [{ secs: 2 }, { secs: 30 }] });
    expect(await (await api("GET", "/api/v1/app/shop/endpoint/main/retry-schedule")).json()).toMatchObject({ retrySchedule: [{ secs: 1 }, { secs: 5 }] });
    expect((await svix.operationalWebhook.endpoint.list()).data.map((e) => e.id)).toEqual([original.opEndpointId]);

    // A message to the restored application reaches the receiver, signed with the same secret.
    const before = receiver.received.length;
    const msg = await svix.message.create("shop", { eventType: "order.paid", payload: { order: 1 } });
    const got = (await receiver.waitFor(before + 1, 10_000)).find((r) => r.headers["webhook-id"] === msg.id)!;
    expect(new Webhook(original.secret).verify(got.body, got.headers as Record<string, string>)).toEqual({ order: 1 });
    expect(got.headers["x-receiver-token"]).toBe(HEADER_VALUE);

    // The inbound source verifies with its restored secret, and still refuses a wrong one.
    const body = JSON.stringify({ ref: "refs/heads/main" });
    const ok = await fetch(`${(servers.at(-1) as ServerProcess).url}/ingest/${original.sourceId}`, { method: "POST", headers: ghSigned(body), body });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${(servers.at(-1) as ServerProcess).url}/ingest/${original.sourceId}`, { method: "POST", headers: ghSigned(body, "wrong"), body });
    expect(bad.status).toBe(401);

    // Again into the same instance: refused as not empty, unless told to go ahead.
    const again = await hookrelayWith(target.env, "import", file);
    expect(again.code).toBe(1);
    expect(again.out).toContain("this instance is not empty");
    const forced = await hookrelayWith(target.env, "import", "--force", file);
    expect(forced.code, forced.out).toBe(0);
  });

  it("refuses a newer format version and a key ring that cannot open the secrets, writing nothing", async () => {
    const file = join(work, "backup.json");
    const doc = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const newer = join(work, "newer.json");
    writeFileSync(newer, JSON.stringify({ ...doc, version: 99 }));
    const empty = await instance();
    const refused = await hookrelayWith(empty.env, "import", newer);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("format version 99, written by a newer Hookrelay; this one reads format version 1 and older");

    const otherKey = await instance("another-data-key-for-the-backup-test-0123456789");
    const locked = await hookrelayWith(otherKey.env, "import", file);
    expect(locked.code).toBe(1);
    expect(locked.out).toMatch(/cannot open the backup's endpoints\.(secret|old_secrets|headers): a value is sealed under key \w+, which is not configured/);

    // Neither wrote anything: the instances still export empty.
    for (const at of [empty, otherKey]) {
      const out = await hookrelayWith(at.env, "export");
      const tables = (JSON.parse(out.stdout) as { tables: Record<string, unknown[]> }).tables;
      expect(Object.values(tables).every((rows) => rows.length === 0)).toBe(true);
    }
  });

  it("--omit-secrets leaves secrets out; the import makes new ones and says so", async () => {
    const file = join(work, "bare.json");
    const exported = await hookrelayWith(source.env, "export", "--omit-secrets", "--out", file);
    expect(exported.code, exported.out).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("enc:v");
    for (const secret of [original.secret, HEADER_VALUE, GH_SECRET]) expect(text).not.toContain(secret.replace(/^whsec_/, ""));
    expect(text).toContain("X-Receiver-Token");

    const target = await instance("a-third-data-key-for-the-backup-test-0123456789");
    const imported = await hookrelayWith(target.env, "import", file);
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out).toContain("secrets were not in the backup");
    expect(imported.out).toContain("(main): new signing secret");
    expect(imported.out).toContain("headers X-Receiver-Token were not in the backup");
    expect(imported.out).toContain("(github): secret not in the backup");

    const { svix, server } = await serve(target);
    const secret = (await svix.endpoint.getSecret("shop", "main")).key;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(original.secret);
    expect((await svix.endpoint.getHeaders("shop", "main")).headers).toEqual({});
    const before = receiver.received.length;
    const msg = await svix.message.create("shop", { eventType: "order.paid", payload: { order: 2 } });
    const got = (await receiver.waitFor(before + 1, 10_000)).find((r) => r.headers["webhook-id"] === msg.id)!;
    expect(new Webhook(secret).verify(got.body, got.headers as Record<string, string>)).toEqual({ order: 2 });
    // The source's stand-in secret refuses the provider's real signature until it is set again.
    const body = JSON.stringify({ ref: "refs/heads/main" });
    expect((await fetch(`${server.url}/ingest/${original.sourceId}`, { method: "POST", headers: ghSigned(body), body })).status).toBe(401);
  });
});
