import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";

import { createPgSchema, type PgSchema, TEST_POSTGRES_URL } from "../../src/test-support/postgres.js";
import {
  findNeedles,
  type Needle,
  needlesOf,
  scanFiles,
  scanRows,
} from "../../src/test-support/secret-scan.js";
import { type Call, secretsTour, type TourSecret } from "../../src/test-support/secrets-tour.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

function fetchCall(server: ServerProcess): Call {
  return async (method, url, body, headers = {}) => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json", ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

/** The tour against a real server whose worker delivers to `receiver`, waiting for the deliveries. */
async function tour(
  server: ServerProcess,
  receiver: Receiver,
): Promise<{ secrets: TourSecret[]; needles: Needle[] }> {
  const secrets = await secretsTour(fetchCall(server), `${receiver.url}/hook`);
  secrets.push({ label: "admin token", value: server.token });
  // The worker opened the sealed secrets and headers to deliver: the receiver got the headers.
  const [delivery] = await receiver.waitFor(1, 15_000);
  expect(delivery!.headers.authorization).toBe(
    secrets.find((s) => s.label === "header Authorization")!.value,
  );
  expect(delivery!.headers["webhook-signature"]).toMatch(/^v1,/);
  return { secrets, needles: secrets.flatMap((s) => needlesOf(s.label, s.value)) };
}

const CLI = resolve(import.meta.dirname, "../../src/cli/hookrelay.ts");

/** `hookrelay …` from source, against the data directory of `server`. */
async function hookrelay(server: ServerProcess, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", CLI, ...args], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      HOOKRELAY_DATA_DIR: server.dataDir,
    },
    timeout: 60_000,
  });
  return stdout;
}

/**
 * The proof of "secrets sealed by default" on a real server process: every way a secret enters
 * through the API, then every byte the server wrote — each file of the data directory (the WAL
 * included) while it runs and after it stopped, its log, and on PostgreSQL every row of its
 * schema — searched for every secret and token in raw and encoded forms. Zero hits.
 */
describe("secrets at rest on a real server", () => {
  let server: ServerProcess | undefined;
  let receiver: Receiver | undefined;
  let schema: PgSchema | undefined;
  afterEach(async () => {
    if (server && server.child.exitCode === null) await server.stop();
    server?.cleanup();
    await receiver?.close();
    await schema?.drop();
    server = receiver = schema = undefined;
  });

  it("SQLite, no key configured: nothing readable in the data directory (running and stopped) or the log", async () => {
    receiver = await startReceiver();
    server = await startServer({ env: { HOOKRELAY_LOG_LEVEL: "debug" } });
    expect(server.output()).toMatch(/Created the data key .*secret\.key \(mode 0600\)/);
    const { needles } = await tour(server, receiver);

    const running = scanFiles(server.dataDir, needles);
    expect(running.files).toEqual(expect.arrayContaining(["hookrelay.db", "hookrelay.db-wal", "secret.key"]));
    expect(running.hits).toEqual([]);

    expect(await server.stop()).toBe(0);
    const stopped = scanFiles(server.dataDir, needles);
    expect(stopped.files).toContain("hookrelay.db");
    expect(stopped.hits).toEqual([]);
    expect(server.output().length).toBeGreaterThan(200); // debug logs were written, and searched
    expect(findNeedles(server.output(), needles, "the server log")).toEqual([]);
  });

  it.skipIf(!TEST_POSTGRES_URL)(
    "PostgreSQL: nothing readable in any row of the schema or the log",
    async () => {
      schema = await createPgSchema(TEST_POSTGRES_URL!);
      receiver = await startReceiver();
      server = await startServer({ env: { DATABASE_URL: schema.url, HOOKRELAY_LOG_LEVEL: "debug" } });
      const { needles } = await tour(server, receiver);
      expect(await server.stop()).toBe(0);

      const db = new Kysely<unknown>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: schema.url, max: 1 }) }),
      });
      try {
        const { hits, rows } = await scanRows(db, needles);
        expect(rows).toBeGreaterThan(20);
        expect(hits).toEqual([]);
      } finally {
        await db.destroy();
      }
      expect(findNeedles(server.output(), needles, "the server log")).toEqual([]);
      expect(scanFiles(server.dataDir, needles).hits).toEqual([]);
    },
  );

  it("`hookrelay secrets rekey` re-seals everything under a new key while the server runs, which follows it", async () => {
    receiver = await startReceiver();
    server = await startServer();
    const { secrets } = await tour(server, receiver);
    const keyFile = join(server.dataDir, "secret.key");
    const before = readFileSync(keyFile, "utf8");

    const out = await hookrelay(server, "secrets", "rekey");
    const keyId = /re-sealed (\d+) values under key ([0-9a-f]{8})/.exec(out);
    expect(Number(keyId?.[1])).toBeGreaterThan(10);
    expect(readFileSync(keyFile, "utf8")).not.toBe(before);
    expect(await hookrelay(server, "secrets", "status")).toMatch(
      new RegExp(`current key ${keyId?.[2]}.*\n(.* 0 to re-seal\n)+$`),
    );

    // The running server opens the re-sealed values and seals new ones under the new key.
    const call = fetchCall(server);
    const apps = (await call("GET", "/api/v1/app")).body.data as { id: string }[];
    const endpoints = (await call("GET", `/api/v1/app/${apps[0]!.id}/endpoint`)).body.data as {
      id: string;
      url: string;
    }[];
    const ep = endpoints.find((e) => e.url.endsWith("/hook"))!;
    const secret = (await call("GET", `/api/v1/app/${apps[0]!.id}/endpoint/${ep.id}/secret`)).body.key;
    expect(secret).toBe(secrets.find((s) => s.label === "endpoint secret (rotated to)")!.value);
    const sent = await call(
      "POST",
      `/api/v1/app/${apps[0]!.id}/msg`,
      { eventType: "after.rekey", payload: { marker: "after-rekey" } },
      { "idempotency-key": "after-rekey" },
    );
    expect(sent.status).toBe(202);
    const deliveries = await receiver.waitFor(2, 15_000);
    expect(
      deliveries.some((d) => d.body.includes("after-rekey") && d.headers.authorization !== undefined),
    ).toBe(true);
    expect(await server.stop()).toBe(0);
    expect(await hookrelay(server, "secrets", "status")).not.toMatch(/ [1-9]\d* to re-seal/);
  });
});
