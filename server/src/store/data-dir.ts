import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { join } from "node:path";

/** The SQLite database file in the data directory. */
export const DATABASE_FILE = "hookrelay.db";

/** Files of the data directory that only the server's user may read. */
const PRIVATE_FILES = [
  DATABASE_FILE,
  `${DATABASE_FILE}-wal`,
  `${DATABASE_FILE}-shm`,
  `${DATABASE_FILE}-journal`,
  "secret.key",
];

/**
 * Makes the SQLite data directory private: the directory 0700, the database, its -wal and -shm
 * files and the key file 0600. A directory or file found with looser modes (made by an earlier
 * version, or by hand) is tightened, and `warn` says so.
 *
 * The database file is created here, 0600, before SQLite opens it: SQLite gives the -wal and -shm
 * files it creates later the mode of the database file, so no file ever exists with the
 * process umask's mode (often 0644), and no process-wide umask change is needed.
 *
 * @example prepareDataDir("./data", (m) => logger.warn(m))
 */
export function prepareDataDir(dir: string, warn: (message: string) => void): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700, warn);
  const db = join(dir, DATABASE_FILE);
  if (!existsSync(db)) closeSync(openSync(db, "a", 0o600));
  for (const name of PRIVATE_FILES) {
    const path = join(dir, name);
    if (existsSync(path)) tighten(path, 0o600, warn);
  }
}

function tighten(path: string, mode: number, warn: (message: string) => void): void {
  const current = statSync(path).mode & 0o777;
  if (current === mode) return;
  chmodSync(path, mode);
  // A mode the umask narrowed further than ours (0600 → 0400) is no exposure: say nothing.
  if ((current & ~mode) !== 0) {
    warn(
      `${path} was readable by others (mode ${current.toString(8).padStart(4, "0")}); set to ${mode.toString(8).padStart(4, "0")}`,
    );
  }
}
