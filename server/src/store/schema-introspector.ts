import { type DatabaseIntrospector, type DatabaseMetadata, type Kysely, type SchemaMetadata, sql, type TableMetadata } from "kysely";

/**
 * Kysely's PostgreSQL introspector lists the tables of every schema in the database, calling
 * `has_schema_privilege` on each schema by name; a schema dropped meanwhile (the test suite
 * drops one per finished file; any tenant-per-schema database does the same) fails the whole
 * listing with "schema … does not exist", and with it the migration. The migrator only needs
 * to know whether its own bookkeeping tables exist in its own schema, so it reads that schema
 * only.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<unknown>,
    private readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<SchemaMetadata>`select nspname as name from pg_namespace where nspname = ${this.schema}`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; view: boolean }>`
      select table_name as name, table_type = 'VIEW' as view
      from information_schema.tables where table_schema = ${this.schema}`.execute(this.db);
    return rows.map((r) => ({ name: r.name, schema: this.schema, isView: r.view, columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/**
 * The same connection, with `introspection` limited to `schema`: what the migrator is given on
 * PostgreSQL. Everything else is the connection's own (methods bound to it, so Kysely's private
 * fields resolve).
 *
 * @example await new Migrator({ db: inSchemaOnly(conn, "public"), provider, migrationTableSchema: "public" }).migrateToLatest();
 */
export function inSchemaOnly<DB>(db: Kysely<DB>, schema: string): Kysely<DB> {
  const introspection = new CurrentSchemaIntrospector(db as Kysely<unknown>, schema);
  return new Proxy(db, {
    get(target, property) {
      if (property === "introspection") return introspection;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
