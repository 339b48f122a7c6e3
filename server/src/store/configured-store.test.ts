import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { loadConfig } from "../config/config.js";
import { readKeyFile, writeKeyFile } from "../lib/key-file.js";
import { keyIdOf } from "../lib/keyring.js";
import { configuredKeyring } from "../lib/keyring-config.js";
import { TEST_POSTGRES_URL } from "../test-support/postgres.js";
import { openConfiguredStore } from "./configured-store.js";

const mode = (path: string): number => statSync(path).mode & 0o777;

describe("openConfiguredStore on SQLite", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("creates the data directory 0700, the key file and the database files 0600, and reuses the key", async () => {
    root = mkdtempSync(join(tmpdir(), "hookrelay-modes-"));
    const dataDir = join(root, "data");
    const warnings: string[] = [];
    const config = loadConfig({}, { dataDir });
    const first = await openConfiguredStore(config, (m) => warnings.push(m));
    // A write, so that SQLite has its -wal and -shm files.
    await first.store.db
      .insertInto("idempotency_keys")
      .values({ key: "k", status_code: 200, body: first.keyring.seal("{}"), created_at: 1, expires_at: 2 })
      .execute();
    expect(first.createdKey).toBe(true);
    expect(mode(dataDir)).toBe(0o700);
    for (const name of ["hookrelay.db", "hookrelay.db-wal", "hookrelay.db-shm", "secret.key"]) {
      expect(existsSync(join(dataDir, name)), name).toBe(true);
      expect(mode(join(dataDir, name)), name).toBe(0o600);
    }
    expect(warnings).toEqual([]);
    const keyId = first.keyring.currentId;
    await first.store.close();

    const second = await openConfiguredStore(config, (m) => warnings.push(m));
    expect(second.createdKey).toBe(false);
    expect(second.keyring.currentId).toBe(keyId);
    expect(keyIdOf(readKeyFile(join(dataDir, "secret.key")).current)).toBe(keyId);
    await second.store.close();
  });

  it("tightens a data directory and files left readable by others, and says so", async () => {
    root = mkdtempSync(join(tmpdir(), "hookrelay-modes-"));
    const dataDir = join(root, "data");
    const config = loadConfig({}, { dataDir });
    const { store } = await openConfiguredStore(config, () => undefined);
    await store.close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, "hookrelay.db"), 0o644);
    chmodSync(join(dataDir, "secret.key"), 0o644);

    const warnings: string[] = [];
    const again = await openConfiguredStore(config, (m) => warnings.push(m));
    await again.store.close();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, "hookrelay.db"))).toBe(0o600);
    expect(mode(join(dataDir, "secret.key"))).toBe(0o600);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/data was readable by others \(mode 0755\); set to 0700/);
  });

  it("refuses to start when the key cannot open what is stored (a lost or wrong key file)", async () => {
    root = mkdtempSync(join(tmpdir(), "hookrelay-modes-"));
    const dataDir = join(root, "data");
    const config = loadConfig({}, { dataDir });
    const { store, keyring } = await openConfiguredStore(config, () => undefined);
    await store.db
      .insertInto("applications")
      .values({
        id: "app_1",
        uid: null,
        name: "a",
        metadata: "{}",
        throttle_rate: null,
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    await store.db
      .insertInto("sources")
      .values({
        id: "src_1",
        app_id: "app_1",
        uid: null,
        name: "s",
        provider: "github",
        platform: null,
        config: keyring.seal('{"secret":"s"}'),
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    await store.close();
    writeKeyFile(join(dataDir, "secret.key"), { current: "another-key-0123456789", previous: [] });
    await expect(openConfiguredStore(config, () => undefined)).rejects.toThrow(
      new RegExp(
        `cannot open sources.config: a value is sealed under key ${keyring.currentId}, which is not configured`,
      ),
    );
  });

  it("uses HOOKRELAY_SECRET_KEY or HOOKRELAY_SECRET_KEY_FILE instead of making a key, never both", () => {
    root = mkdtempSync(join(tmpdir(), "hookrelay-modes-"));
    mkdirSync(join(root, "d"));
    const fromEnv = configuredKeyring({
      secretKey: "env-key-0123456789abcdef",
      dataDir: join(root, "d"),
      postgres: false,
    });
    expect(fromEnv.file).toBeUndefined();
    expect(fromEnv.keyring.currentId).toBe(keyIdOf("env-key-0123456789abcdef"));
    expect(existsSync(join(root, "d", "secret.key"))).toBe(false);

    const file = join(root, "mounted.key");
    writeFileSync(file, "file-key-0123456789abcdef\nolder-key-0123456789abcdef\n");
    const fromFile = configuredKeyring({ secretKeyFile: file, dataDir: join(root, "d"), postgres: true });
    expect(fromFile.keyring.keyIds).toEqual([
      keyIdOf("file-key-0123456789abcdef"),
      keyIdOf("older-key-0123456789abcdef"),
    ]);

    expect(() =>
      configuredKeyring({
        secretKey: "env-key-0123456789abcdef",
        secretKeyFile: file,
        dataDir: root,
        postgres: false,
      }),
    ).toThrow(/not both/);
    expect(() =>
      configuredKeyring({ secretKeyFile: join(root, "missing"), dataDir: root, postgres: false }),
    ).toThrow(/does not exist/);

    // From the environment, as an operator rotating keys sets them.
    const env = loadConfig({
      HOOKRELAY_SECRET_KEY: "new-key-0123456789abcdef",
      HOOKRELAY_SECRET_KEY_PREVIOUS: "old-key-0123456789abcdef, older-key-0123456789abcdef",
    });
    expect(env.secretKeyPrevious).toEqual(["old-key-0123456789abcdef", "older-key-0123456789abcdef"]);
    const rotating = configuredKeyring({ ...env, dataDir: root, postgres: true });
    expect(rotating.keyring.keyIds).toEqual(
      ["new-key-0123456789abcdef", "old-key-0123456789abcdef", "older-key-0123456789abcdef"].map(keyIdOf),
    );
    expect(() => loadConfig({ HOOKRELAY_SECRET_KEY_PREVIOUS: "short" })).toThrow(
      /HOOKRELAY_SECRET_KEY_PREVIOUS/,
    );
    expect(() =>
      configuredKeyring({ secretKeyPrevious: ["old-key-0123456789abcdef"], dataDir: root, postgres: false }),
    ).toThrow(/HOOKRELAY_SECRET_KEY_PREVIOUS is set without HOOKRELAY_SECRET_KEY/);
  });
});

describe("openConfiguredStore on PostgreSQL", () => {
  it("refuses to start without a data key, naming the settings", async () => {
    // Refused before any connection is made, so this needs no PostgreSQL.
    const config = loadConfig(
      {},
      { databaseUrl: TEST_POSTGRES_URL ?? "postgres://127.0.0.1:1/none", dataDir: tmpdir() },
    );
    await expect(openConfiguredStore(config, () => undefined)).rejects.toThrow(
      /HOOKRELAY_SECRET_KEY is not set\. With PostgreSQL every instance must seal secrets with the same key: set HOOKRELAY_SECRET_KEY .* or HOOKRELAY_SECRET_KEY_FILE/,
    );
  });
});
