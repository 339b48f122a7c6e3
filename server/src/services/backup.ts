import type { Keyring } from "../lib/keyring.js";
import { BACKUP_TABLES, type BackupRow, countRows, readBackupRows, tableColumns, writeBackupRows } from "../store/backup-tables.js";
import type { Store } from "../store/database.js";
import { SEALED_COLUMNS } from "../store/sealed-columns.js";
import type { ApplicationService } from "./applications.js";
import type { AuditLog } from "./audit-log.js";
import { BackupError, OMIT_RULES, resealOrExplain, sealedKeyIds } from "./backup-secrets.js";
import type { Actor } from "./principal.js";

export const BACKUP_FORMAT = "hookrelay-backup";
/** The backup format this version writes and the newest it reads. Raise it when a change would mislead an older reader. */
export const BACKUP_VERSION = 1;

/**
 * A configuration backup (ADR 21). `tables` holds each table's rows column by column, as
 * stored; sealed columns hold the ciphertext (`secrets: "sealed"`, opened by an instance whose
 * key ring has one of `keyIds`) or only their non-secret part (`"omitted"`).
 *
 * @example { format: "hookrelay-backup", version: 1, createdAt: "…", secrets: "sealed", keyIds: ["1a2b3c4d"], tables: { applications: [{ id: "app_…", … }], … } }
 */
export interface BackupDocument {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  secrets: "sealed" | "omitted";
  keyIds: string[];
  tables: Record<string, BackupRow[]>;
}

/** What an import did: rows per table, and what the operator must do (new secrets, headers to set). */
export interface ImportReport {
  tables: Record<string, number>;
  secrets: "sealed" | "omitted";
  notes: string[];
}

export { BackupError } from "./backup-secrets.js";

/**
 * `hookrelay export` / `hookrelay import`: the whole configuration (applications, endpoints with
 * every setting and header, event types, sources, retry policies, operational-webhook
 * endpoints) as one versioned JSON document, and back into an empty instance in one
 * transaction with one audit row. Ids, uids and times are kept, so the restored instance
 * behaves as the original: same URLs, same secrets, same filters and schedules.
 *
 * @example const doc = await backup.export({ omitSecrets: false }); await other.import(CLI_ACTOR, doc, { force: false });
 */
export class BackupService {
  constructor(
    private readonly store: Pick<Store, "db" | "dialect" | "fanoutCache">,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
    private readonly applications: ApplicationService,
  ) {}

  /**
   * Through the API (`POST /api/v1/backup/export`): the same document, with an audit row, since
   * it hands out every sealed secret (or, omitted, every setting) of the instance.
   */
  async exportAudited(actor: Actor, options: { omitSecrets: boolean }): Promise<BackupDocument> {
    const doc = await this.export(options);
    const counts = Object.fromEntries(Object.entries(doc.tables).map(([table, rows]) => [table, rows.length]));
    await this.audit.run(
      actor,
      async () => undefined,
      () => ({ action: "backup.export", appId: null, resourceId: null, changes: { export: { before: null, after: { secrets: doc.secrets, rows: counts } } } }),
    );
    return doc;
  }

  async export(options: { omitSecrets: boolean }): Promise<BackupDocument> {
    const tables: Record<string, BackupRow[]> = {};
    const sealedValues: string[] = [];
    // One snapshot, so rows of different tables agree (an endpoint and its application).
    await this.store.db.transaction().execute(async (trx) => {
      for (const spec of BACKUP_TABLES) tables[spec.table] = await readBackupRows(trx, spec);
    });
    for (const sealed of sealedColumns()) {
      const where = `${sealed.table}.${sealed.column}`;
      const rule = OMIT_RULES[where];
      if (options.omitSecrets && !rule) throw new BackupError(`--omit-secrets does not know how to leave out ${where}; add a rule in services/backup-secrets.ts`);
      for (const row of tables[sealed.table] ?? []) {
        const value = row[sealed.column];
        if (typeof value !== "string") continue;
        if (!options.omitSecrets) {
          sealed.map(value, (v) => {
            sealedValues.push(v);
            return v;
          });
          continue;
        }
        const plain = sealed.map(value, (v) => this.keyring.open(v));
        row[sealed.column] = rule!.omit(plain);
      }
    }
    return {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      secrets: options.omitSecrets ? "omitted" : "sealed",
      keyIds: options.omitSecrets ? [] : sealedKeyIds(sealedValues),
      tables,
    };
  }

  async import(actor: Actor, input: unknown, options: { force: boolean }): Promise<ImportReport> {
    const doc = checkDocument(input);
    const notes: string[] = [];
    const { db, dialect } = this.store;
    const rows: Record<string, BackupRow[]> = {};
    for (const spec of BACKUP_TABLES) {
      const given = doc.tables[spec.table] ?? [];
      const columns = await tableColumns(db, dialect, spec.table);
      rows[spec.table] = given.map((row, i) => {
        if (typeof row !== "object" || row === null || Array.isArray(row)) throw new BackupError(`${spec.table}[${i}] is not a row`);
        const unknown = Object.keys(row).filter((c) => !columns.has(c));
        if (unknown.length > 0) {
          throw new BackupError(`the backup's ${spec.table} has columns this database lacks (${unknown.join(", ")}): restore with the Hookrelay version that wrote it, or newer`);
        }
        return { ...row };
      });
    }
    // Secrets before the transaction: a key the ring lacks fails here, having written nothing.
    for (const sealed of sealedColumns()) {
      const where = `${sealed.table}.${sealed.column}`;
      for (const row of rows[sealed.table] ?? []) {
        if (!(sealed.column in row)) continue;
        if (doc.secrets === "sealed") {
          if (typeof row[sealed.column] === "string") row[sealed.column] = sealed.map(row[sealed.column] as string, (v) => resealOrExplain(this.keyring, where, v));
          continue;
        }
        const rule = OMIT_RULES[where];
        if (!rule) throw new BackupError(`the backup left out ${where}, which this version cannot make anew`);
        const restored = rule.restore(row[sealed.column], row);
        // Sealed as the column holds it: the whole text, or each key inside (old_secrets).
        row[sealed.column] = sealed.map(restored.plain, (v) => this.keyring.seal(v));
        if (restored.note) notes.push(restored.note);
      }
    }
    const counts = Object.fromEntries(BACKUP_TABLES.map((spec) => [spec.table, rows[spec.table]!.length]));
    await this.audit.run(
      actor,
      async (trx) => {
        if (!options.force) {
          for (const spec of BACKUP_TABLES) {
            const present = await countRows(trx, spec.table);
            if (present > 0) {
              throw new BackupError(`this instance is not empty (${spec.table} has ${present} rows); import into an empty database, or pass --force to overwrite rows with the same ids`, 409, "not_empty");
            }
          }
        }
        for (const spec of BACKUP_TABLES) await writeBackupRows(trx, spec, rows[spec.table]!, options.force);
      },
      () => ({
        action: "backup.import",
        appId: null,
        resourceId: null,
        changes: { import: { before: null, after: { createdAt: doc.createdAt, version: doc.version, secrets: doc.secrets, force: options.force, rows: counts } } },
      }),
    );
    // Endpoints and applications changed under this process's caches (a server reading the
    // same database drops its own within their short lifetimes).
    this.store.fanoutCache.invalidate();
    this.applications.forget();
    return { tables: counts, secrets: doc.secrets, notes };
  }
}

/** The sealed columns of the tables a backup holds. */
function sealedColumns() {
  const tables = new Set<string>(BACKUP_TABLES.map((spec) => spec.table));
  return SEALED_COLUMNS.filter((sealed) => tables.has(sealed.table));
}

/** The document's header, checked before anything is read from it. */
function checkDocument(input: unknown): BackupDocument {
  const doc = input as Partial<BackupDocument> | null;
  if (typeof doc !== "object" || doc === null || doc.format !== BACKUP_FORMAT) {
    throw new BackupError(`not a Hookrelay backup (expected "format": "${BACKUP_FORMAT}")`);
  }
  if (typeof doc.version !== "number" || !Number.isInteger(doc.version) || doc.version < 1) {
    throw new BackupError(`the backup's format version ${JSON.stringify(doc.version)} is not valid`);
  }
  if (doc.version > BACKUP_VERSION) {
    throw new BackupError(
      `the backup is format version ${doc.version}, written by a newer Hookrelay; this one reads format version ${BACKUP_VERSION} and older. Restore with that version or newer`,
    );
  }
  if (doc.secrets !== "sealed" && doc.secrets !== "omitted") throw new BackupError(`the backup's "secrets" must be "sealed" or "omitted"`);
  if (typeof doc.tables !== "object" || doc.tables === null) throw new BackupError(`the backup has no "tables"`);
  const known = new Set<string>(BACKUP_TABLES.map((spec) => spec.table));
  const unknown = Object.keys(doc.tables).filter((t) => !known.has(t));
  if (unknown.length > 0) throw new BackupError(`the backup has tables this version does not restore (${unknown.join(", ")}): restore with the Hookrelay version that wrote it, or newer`);
  for (const [table, rows] of Object.entries(doc.tables)) if (!Array.isArray(rows)) throw new BackupError(`the backup's ${table} is not a list of rows`);
  return doc as BackupDocument;
}
