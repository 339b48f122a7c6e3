import { Iso, type Page } from "../contract/common.js";
import type { SourceIn, SourceOut, SourcePatch } from "../contract/sources.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import { ApiError } from "../lib/errors.js";
import { sha256Hex } from "../lib/hash.js";
import { newId } from "../lib/ids.js";
import type { Keyring } from "../lib/keyring.js";
import { TtlCache } from "../lib/ttl-cache.js";
import { getProvider } from "../providers/registry.js";
import { mapPage, type PageRequest } from "../store/paginate.js";
import type { ApplicationRow, SourceRow } from "../store/schema.js";
import type { SourcesRepository } from "../store/sources-repository.js";
import type { ApplicationService } from "./applications.js";
import { diffFields, maskFields } from "./audit-diff.js";
import type { AuditLog } from "./audit-log.js";
import type { Actor, Principal } from "./principal.js";
import { keepMaskedSecrets, type ParsedSourceConfig, parseStoredConfig, SECRET_FIELDS, validateConfig } from "./source-config.js";

/**
 * Delivery platforms: reachable at `/webhooks/{provider}/{app}` and so limited to one source
 * per application. Every source is also reachable at `/ingest/{source_id}`.
 */
export const DELIVERY_PLATFORMS: ReadonlySet<string> = new Set(["careem", "talabat", "deliveroo", "jahez"]);

/** A source ready for the ingest path: its row, provider, parsed config, allowlist and limits. */
export interface LoadedSource extends ParsedSourceConfig {
  row: SourceRow;
}

/** Most decoded configs and lookups kept in memory; a cache is emptied when it grows past this. */
const CACHE_LIMIT = 10_000;
/**
 * How long an ingest-path lookup (found or not) is reused. Every webhook looks its source up,
 * so the lookup is cached like applications are: a change made on another instance applies
 * within this time, one made on this instance at once.
 */
const LOOKUP_TTL_MS = 1_000;

/**
 * Inbound sources: CRUD for the management API and, for the ingest path, the source with its
 * config opened, parsed and cached (keyed by the sealed text, so any update is seen at once by
 * every instance).
 *
 * @example const out = await sources.create(principal, "acme", { name: "Careem", provider: "careem", config: { secret: "s" } }, baseUrl)
 */
export class SourceService {
  private readonly cache = new Map<string, { sealed: string; loaded: ParsedSourceConfig }>();
  /** Ingest-path lookups; null records "no such source" so a probe for random ids stays cheap. */
  private readonly lookups = new TtlCache<string, SourceRow | null>(LOOKUP_TTL_MS, CACHE_LIMIT);

  constructor(
    private readonly repo: SourcesRepository,
    private readonly applications: ApplicationService,
    private readonly keyring: Keyring,
    private readonly audit: AuditLog,
    /**
     * Registers the delivery-platform event catalog (order.*, menu.updated). Called when a
     * delivery-platform source is written, so installs that never use one are not given it.
     */
    private readonly registerPlatformEventTypes: () => Promise<void> = async () => {},
  ) {}

  /** The application and source named by id or uid; one of another application is a 404. */
  async resolve(
    principal: Principal,
    appIdOrUid: string,
    sourceIdOrUid: string,
  ): Promise<{ app: ApplicationRow; source: SourceRow }> {
    const app = await this.application(principal, appIdOrUid);
    const source = await this.repo.find(app.id, sourceIdOrUid);
    if (!source) throw ApiError.notFound("Source");
    return { app, source };
  }

  async list(
    principal: Principal,
    appIdOrUid: string,
    page: PageRequest,
    baseUrl: string,
  ): Promise<Page<SourceOut>> {
    const app = await this.application(principal, appIdOrUid);
    return mapPage(await this.repo.list(app.id, page), (row) => this.toOut(row, app, baseUrl));
  }

  async create(
    actor: Actor,
    appIdOrUid: string,
    input: SourceIn,
    baseUrl: string,
  ): Promise<SourceOut> {
    const app = await this.application(actor, appIdOrUid);
    return this.toOut(await this.insert(actor, app, input), app, baseUrl);
  }

  async get(
    principal: Principal,
    appIdOrUid: string,
    sourceIdOrUid: string,
    baseUrl: string,
  ): Promise<SourceOut> {
    const { app, source } = await this.resolve(principal, appIdOrUid, sourceIdOrUid);
    return this.toOut(source, app, baseUrl);
  }

  /** PUT: replaces the source, or creates it with the path value as uid when no source has it. */
  async upsert(
    actor: Actor,
    appIdOrUid: string,
    sourceIdOrUid: string,
    input: SourceIn,
    baseUrl: string,
  ): Promise<{ source: SourceOut; created: boolean }> {
    const app = await this.application(actor, appIdOrUid);
    const existing = await this.repo.find(app.id, sourceIdOrUid);
    if (!existing) {
      if (sourceIdOrUid.startsWith("src_") || !/^[a-zA-Z0-9\-_.]{1,256}$/.test(sourceIdOrUid)) {
        throw ApiError.notFound("Source");
      }
      const row = await this.insert(actor, app, { ...input, uid: input.uid ?? sourceIdOrUid });
      return { source: this.toOut(row, app, baseUrl), created: true };
    }
    const current = this.open(existing);
    const config =
      input.provider === existing.provider ? keepMaskedSecrets(input.config, current) : input.config;
    const row = await this.write(actor, existing, {
      // A PUT that leaves uid out keeps it, as for applications and endpoints: clearing it
      // would make the path just used unreachable, and the next identical PUT a second source.
      uid: input.uid !== undefined ? input.uid : existing.uid,
      name: input.name,
      provider: input.provider,
      config,
    });
    return { source: this.toOut(row, app, baseUrl), created: false };
  }

  /** PATCH: changes the given fields; `config` is merged into the stored one unless the provider changes. */
  async patch(
    actor: Actor,
    appIdOrUid: string,
    sourceIdOrUid: string,
    input: SourcePatch,
    baseUrl: string,
  ): Promise<SourceOut> {
    const { app, source } = await this.resolve(actor, appIdOrUid, sourceIdOrUid);
    const provider = input.provider ?? source.provider;
    const current = this.open(source);
    let config: Record<string, unknown>;
    if (provider !== source.provider) {
      if (input.config === undefined) {
        throw new ApiError(
          422,
          "validation_error",
          "Changing the provider needs a config for the new provider",
        );
      }
      config = input.config;
    } else {
      config = keepMaskedSecrets({ ...current, ...input.config }, current);
    }
    const row = await this.write(actor, source, {
      uid: input.uid !== undefined ? input.uid : source.uid,
      name: input.name ?? source.name,
      provider,
      config,
    });
    return this.toOut(row, app, baseUrl);
  }

  async delete(actor: Actor, appIdOrUid: string, sourceIdOrUid: string): Promise<void> {
    const { source } = await this.resolve(actor, appIdOrUid, sourceIdOrUid);
    await this.audit.run(
      actor,
      (trx) => this.repo.delete(source.id, trx),
      () => this.auditEntry("source.delete", source, null),
    );
    this.cache.delete(source.id);
    this.lookups.clear();
  }

  /**
   * The application of an application-scoped source route. An internal application (an ingest
   * source's, reachable by its portal session) has no sources to manage here: its source is
   * managed through `/ingest/api/v1/source` only (ADR 20).
   */
  private async application(principal: Principal, appIdOrUid: string): Promise<ApplicationRow> {
    const app = await this.applications.resolve(principal, appIdOrUid);
    if (app.internal !== null) throw ApiError.notFound("Application");
    return app;
  }

  /** `/ingest/{source_id}`: the source by id, ready to verify with (cached for a few seconds). */
  async loadById(id: string): Promise<LoadedSource | undefined> {
    if (!id.startsWith("src_")) return undefined;
    const row = await this.lookup(`id\n${id}`, () => this.repo.get(id));
    return row && this.load(row);
  }

  /**
   * `/ingest/in/{token}`: the ingest source whose URL carries `token` (cached for a few seconds,
   * by the token's hash so the token itself is never kept).
   */
  async loadByIngestToken(token: string): Promise<LoadedSource | undefined> {
    const hash = sha256Hex(token);
    const row = await this.lookup(`token\n${hash}`, () => this.repo.getByIngestTokenHash(hash));
    return row && this.load(row);
  }

  /** Drops cached ingest-path lookups: after a change made outside this service (an ingest token rotated). */
  forget(): void {
    this.lookups.clear();
  }

  /** `/webhooks/{provider}/{app}`: the application's source of a delivery platform (cached for a few seconds). */
  async loadForPlatform(provider: string, appIdOrUid: string): Promise<LoadedSource | undefined> {
    if (!DELIVERY_PLATFORMS.has(provider)) return undefined;
    const row = await this.lookup(`platform\n${provider}\n${appIdOrUid}`, () =>
      this.repo.findForPlatform(provider, appIdOrUid),
    );
    return row && this.load(row);
  }

  private async lookup(
    key: string,
    find: () => Promise<SourceRow | undefined>,
  ): Promise<SourceRow | undefined> {
    const hit = this.lookups.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const row = await find();
    this.lookups.set(key, row ?? null);
    return row;
  }

  /** Opens, parses and caches a source's config. */
  load(row: SourceRow): LoadedSource {
    const hit = this.cache.get(row.id);
    if (hit && hit.sealed === row.config) return { row, ...hit.loaded };
    const provider = getProvider(row.provider);
    // The provider was validated on write; a stored name the registry no longer knows means a
    // provider was removed from the code while sources still use it.
    if (!provider) throw new Error(`source ${row.id} uses unknown provider ${row.provider}`);
    const loaded = parseStoredConfig(provider, this.open(row));
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(row.id, { sealed: row.config, loaded });
    return { row, ...loaded };
  }

  /** The stored config of a source, opened (secrets in clear: never for an answer). */
  open(row: SourceRow): Record<string, unknown> {
    return JSON.parse(this.keyring.open(row.config)) as Record<string, unknown>;
  }

  private async insert(actor: Actor, app: ApplicationRow, input: SourceIn): Promise<SourceRow> {
    const now = Date.now();
    const row: SourceRow = {
      id: newId("src"),
      app_id: app.id,
      uid: input.uid ?? null,
      name: input.name,
      provider: input.provider,
      platform: DELIVERY_PLATFORMS.has(input.provider) ? input.provider : null,
      config: this.seal(input.provider, input.config),
      created_at: now,
      updated_at: now,
    };
    await this.checkFree(app.id, row);
    try {
      await this.audit.run(
        actor,
        (trx) => this.repo.insert(row, trx),
        () => this.auditEntry("source.create", null, row),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(row);
      throw error;
    }
    this.lookups.clear();
    if (row.platform) await this.registerPlatformEventTypes();
    return row;
  }

  private async write(
    actor: Actor,
    existing: SourceRow,
    input: { uid: string | null; name: string; provider: string; config: Record<string, unknown> },
  ): Promise<SourceRow> {
    const next: SourceRow = {
      ...existing,
      uid: input.uid,
      name: input.name,
      provider: input.provider,
      platform: DELIVERY_PLATFORMS.has(input.provider) ? input.provider : null,
      config: this.seal(input.provider, input.config),
      updated_at: Date.now(),
    };
    await this.checkFree(existing.app_id, next);
    try {
      await this.audit.run(
        actor,
        (trx) => this.repo.update(existing.id, next, trx),
        () => this.auditEntry("source.update", existing, next),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(next);
      throw error;
    }
    this.lookups.clear();
    if (next.platform) await this.registerPlatformEventTypes();
    return next;
  }

  /** A readable 409 before the insert; the unique constraints still decide races. */
  private async checkFree(appId: string, row: SourceRow): Promise<void> {
    if (row.uid !== null) {
      const other = await this.repo.find(appId, row.uid);
      if (other && other.id !== row.id) throw ApiError.conflict("A source with this uid already exists");
    }
    if (row.platform !== null) {
      const other = await this.repo.findForPlatform(row.platform, appId);
      if (other && other.id !== row.id) throw conflict(row);
    }
  }

  /** The audit row of a change from `before` to `after` (null: absent); credentials masked. */
  private auditEntry(action: string, before: SourceRow | null, after: SourceRow | null) {
    const row = (after ?? before)!;
    const view = (r: SourceRow | null): Record<string, unknown> | null =>
      r && { uid: r.uid, name: r.name, provider: r.provider, config: this.open(r) };
    return {
      action,
      appId: row.app_id,
      resourceId: row.id,
      changes: diffFields(view(before), view(after), { config: maskFields(SECRET_FIELDS) }),
    };
  }

  /** Validates `config` for the provider (422 naming each problem) and seals it for the row. */
  seal(providerName: string, config: Record<string, unknown>): string {
    const provider = getProvider(providerName);
    if (!provider) throw new ApiError(422, "validation_error", `Unknown provider ${providerName}`);
    return this.keyring.seal(JSON.stringify(validateConfig(provider, config)));
  }

  private toOut(row: SourceRow, app: ApplicationRow, baseUrl: string): SourceOut {
    const direct = `${baseUrl}/ingest/${row.id}`;
    const urls =
      row.platform !== null
        ? [`${baseUrl}/webhooks/${row.platform}/${encodeURIComponent(app.uid ?? app.id)}`, direct]
        : [direct];
    return {
      id: row.id,
      uid: row.uid,
      name: row.name,
      provider: row.provider,
      config: this.load(row).masked,
      ingestUrl: urls[0]!,
      ingestUrls: urls,
      createdAt: Iso(row.created_at),
      updatedAt: Iso(row.updated_at),
    };
  }
}

function conflict(row: SourceRow): ApiError {
  return row.platform !== null
    ? ApiError.conflict(`This application already has a ${row.platform} source, or a source with this uid`)
    : ApiError.conflict("A source with this uid already exists");
}
