import type { Config } from "../config/config.js";
import type { Keyring } from "../lib/keyring.js";
import { configuredKeyring } from "../lib/keyring-config.js";
import { prepareDataDir } from "./data-dir.js";
import { isPostgresUrl, openStore, type Store } from "./database.js";
import { checkSealedColumns } from "./sealed-columns.js";

export interface ConfiguredStore {
  store: Store;
  keyring: Keyring;
  /** The key file the keyring reads, or undefined when the key comes from the environment. */
  keyFile: string | undefined;
  /** True when this start created the key file (first start on SQLite without a key). */
  createdKey: boolean;
}

/**
 * The store and data keyring the configuration names, as the server and the CLI open them: the
 * SQLite data directory made private first (the key file is created in it), then the keyring
 * (refused on PostgreSQL without a key), then the store, migrated with the keyring, and a check
 * that the keyring opens what is stored (a lost key file fails here, not at the first delivery).
 *
 * @example const { store, keyring } = await openConfiguredStore(loadConfig(), (m) => logger.warn(m))
 */
export async function openConfiguredStore(
  config: Config,
  warn: (message: string) => void,
): Promise<ConfiguredStore> {
  const postgres = isPostgresUrl(config.databaseUrl);
  if (!postgres) prepareDataDir(config.dataDir, warn);
  const { keyring, file, created } = configuredKeyring({
    secretKey: config.secretKey,
    secretKeyPrevious: config.secretKeyPrevious,
    secretKeyFile: config.secretKeyFile,
    dataDir: config.dataDir,
    postgres,
  });
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    pgPoolSize: config.pgPoolSize,
    pgConnectTimeoutMs: config.pgConnectTimeoutMs,
    pgStatementTimeoutMs: config.pgStatementTimeoutMs,
    sqliteSynchronous: config.sqliteSynchronous,
    keyring,
    warn,
  });
  try {
    await checkSealedColumns(store.db, (v) => keyring.open(v));
  } catch (error) {
    await store.close();
    throw error;
  }
  return { store, keyring, keyFile: file, createdKey: created };
}
