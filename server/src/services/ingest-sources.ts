import { randomBytes } from "node:crypto";

import { Iso, type Page } from "../contract/common.js";
import type {
  IngestSourceConsumerPortalAccessIn,
  IngestSourceIn,
  IngestSourceOut,
  IngestSourcePatch,
} from "../contract/ingest.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import { ApiError } from "../lib/errors.js";
import { sha256Hex } from "../lib/hash.js";
import { newId } from "../lib/ids.js";
import type { Keyring } from "../lib/keyring.js";
import type { ApplicationsRepository } from "../store/applications-repository.js";
import type { IngestSourceRecord, IngestSourcesRepository } from "../store/ingest-sources-repository.js";
import { mapPage, type PageRequest } from "../store/paginate.js";
import type { ApplicationRow } from "../store/schema.js";
import type { AppTokenService } from "./app-tokens.js";
import { requireAdmin, requireAllApplications } from "./applications.js";
import { diffFields, MASK, maskFields } from "./audit-diff.js";
import type { AuditLog } from "./audit-log.js";
import { followIngestUrl, keepAbsentSecrets, mapIngestConfig } from "./ingest-source-config.js";
import type { Actor, Principal } from "./principal.js";
import { keepMaskedSecrets, SECRET_FIELDS } from "./source-config.js";
import type { SourceService } from "./sources.js";

/** What {@link IngestSourceService} is built from. */
export interface IngestSourceDeps {
  repo: IngestSourcesRepository;
  applications: ApplicationsRepository;
  sources: SourceService;
  keyring: Keyring;
  audit: AuditLog;
  appTokens: AppTokenService;
}

/** The internal application's kind (`applications.internal`). */
export const INGEST_APP_KIND = "ingest";
/** Svix's default lifetime of a source's portal session: 7 days. */
const PORTAL_DEFAULT_SECONDS = 7 * 86_400;
/** Audit rows show the config with credentials masked; `url` too, as HubSpot's and Twilio's hold the token. */
const AUDIT_MASKED = [...SECRET_FIELDS, "url"];

/**
 * A new ingest URL token: 32 random bytes, base64url (43 characters). It is the URL's secret (a
 * `generic-webhook` source has no other), so it is stored sealed (to show `ingestUrl` again) and
 * hashed (to find the source), and never logged.
 */
function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Svix's ingest sources (`/ingest/api/v1/source`, what `svix.ingest.source.*` calls), mapped onto
 * Hookrelay's inbound sources (ADR 20): each one is a source of its own internal application,
 * whose endpoints are the source's ingest endpoints, so a provider's verified call is a message
 * of that application, delivered, signed, retried and logged like every other. The ingest URL is
 * `{base}/ingest/in/{token}`; rotating the token gives a new URL and the old one stops at once.
 * Admin keys that are not limited to one application only.
 *
 * @example const src = await ingest.create(actor, { name: "Stripe", type: "stripe", config: { secret: "whsec_…" } }, baseUrl)
 */
export class IngestSourceService {
  constructor(private readonly deps: IngestSourceDeps) {}

  /** The source by id or uid, for an admin key on every application; a 404 otherwise. */
  async resolve(principal: Principal, idOrUid: string): Promise<IngestSourceRecord> {
    requireAdmin(principal);
    requireAllApplications(principal);
    const found = await this.deps.repo.find(idOrUid);
    if (!found) throw ApiError.notFound("Ingest source");
    return found;
  }

  /** The internal application of a source: what its endpoints belong to. */
  async application(principal: Principal, idOrUid: string): Promise<ApplicationRow> {
    const { ingest } = await this.resolve(principal, idOrUid);
    const app = await this.deps.applications.find(ingest.app_id);
    if (!app) throw ApiError.notFound("Ingest source");
    return app;
  }

  async list(principal: Principal, page: PageRequest, baseUrl: string): Promise<Page<IngestSourceOut>> {
    requireAdmin(principal);
    requireAllApplications(principal);
    return mapPage(await this.deps.repo.list(page), (record) => this.toOut(record, baseUrl));
  }

  async get(principal: Principal, idOrUid: string, baseUrl: string): Promise<IngestSourceOut> {
    return this.toOut(await this.resolve(principal, idOrUid), baseUrl);
  }

  async create(actor: Actor, input: IngestSourceIn, baseUrl: string): Promise<IngestSourceOut> {
    requireAdmin(actor);
    requireAllApplications(actor);
    return this.toOut(await this.insert(actor, input, baseUrl), baseUrl);
  }

  /** PUT: replaces the source's name, uid, metadata, type and config, or creates it with the path value as uid. */
  async upsert(
    actor: Actor,
    idOrUid: string,
    input: IngestSourceIn,
    baseUrl: string,
  ): Promise<{ source: IngestSourceOut; created: boolean }> {
    requireAdmin(actor);
    requireAllApplications(actor);
    const existing = await this.deps.repo.find(idOrUid);
    if (!existing) {
      if (idOrUid.startsWith("src_") || !/^[a-zA-Z0-9_-]{1,60}$/.test(idOrUid)) throw ApiError.notFound("Ingest source");
      const record = await this.insert(actor, { ...input, uid: input.uid ?? idOrUid }, baseUrl);
      return { source: this.toOut(record, baseUrl), created: true };
    }
    const url = this.ingestUrl(existing, baseUrl);
    const mapped = mapIngestConfig(input.type, input.config, url);
    const stored = this.deps.sources.open(existing.source);
    const config =
      mapped.provider === existing.source.provider
        ? keepAbsentSecrets(keepMaskedSecrets(mapped.config, stored), stored)
        : mapped.config;
    const now = Date.now();
    const next: IngestSourceRecord = {
      source: {
        ...existing.source,
        name: input.name,
        provider: mapped.provider,
        config: this.deps.sources.seal(mapped.provider, config),
        updated_at: now,
      },
      ingest: {
        ...existing.ingest,
        // As for applications and endpoints, a PUT without a uid keeps it.
        uid: input.uid !== undefined ? input.uid : existing.ingest.uid,
        type: input.type,
        metadata: JSON.stringify(input.metadata ?? {}),
        updated_at: now,
      },
    };
    await this.write(actor, "ingest_source.update", existing, next);
    return { source: this.toOut(next, baseUrl), created: false };
  }

  /** PATCH (Svix's `IngestSourcePatch`): name, uid and metadata; the type and config change by PUT. */
  async patch(actor: Actor, idOrUid: string, input: IngestSourcePatch, baseUrl: string): Promise<IngestSourceOut> {
    const existing = await this.resolve(actor, idOrUid);
    const now = Date.now();
    const next: IngestSourceRecord = {
      source: { ...existing.source, name: input.name ?? existing.source.name, updated_at: now },
      ingest: {
        ...existing.ingest,
        uid: input.uid !== undefined ? input.uid : existing.ingest.uid,
        metadata: input.metadata !== undefined ? JSON.stringify(input.metadata) : existing.ingest.metadata,
        updated_at: now,
      },
    };
    await this.write(actor, "ingest_source.update", existing, next);
    return this.toOut(next, baseUrl);
  }

  /** Deletes the source, its request log, its application and with it the endpoints and their messages. */
  async delete(actor: Actor, idOrUid: string): Promise<void> {
    const record = await this.resolve(actor, idOrUid);
    await this.deps.audit.run(
      actor,
      async (trx) => {
        await this.deps.repo.delete(record.source.id, trx);
        await this.deps.applications.delete(record.ingest.app_id, trx);
      },
      () => this.auditEntry("ingest_source.delete", record, null),
    );
    this.deps.sources.forget();
  }

  /** A new token, so a new ingest URL; the previous URL answers 404 from now on. */
  async rotateToken(actor: Actor, idOrUid: string, baseUrl: string): Promise<{ ingestUrl: string }> {
    const record = await this.resolve(actor, idOrUid);
    const oldUrl = this.ingestUrl(record, baseUrl);
    const token = newToken();
    const newUrl = urlOf(baseUrl, token);
    const stored = this.deps.sources.open(record.source);
    const followed = followIngestUrl(stored, oldUrl, newUrl);
    const now = Date.now();
    const next: IngestSourceRecord = {
      source:
        followed === stored
          ? record.source
          : { ...record.source, config: this.deps.sources.seal(record.source.provider, followed), updated_at: now },
      ingest: { ...record.ingest, token: this.deps.keyring.seal(token), token_hash: sha256Hex(token), updated_at: now },
    };
    await this.write(actor, "ingest_source.token.rotate", record, next);
    return { ingestUrl: newUrl };
  }

  /**
   * The source's dashboard: a consumer-portal session (Svix's `AppPortalAccessOut`) limited to
   * the source's application, i.e. to the endpoints its calls are delivered to.
   */
  async dashboard(
    actor: Actor,
    idOrUid: string,
    input: IngestSourceConsumerPortalAccessIn | null | undefined,
  ): Promise<{ token: string }> {
    const app = await this.application(actor, idOrUid);
    // Endpoints only: no messages into the source's application, no changes to its source.
    const created = await this.deps.appTokens.openPortalFor(
      actor,
      app,
      { readOnly: input?.readOnly ?? null, expiry: input?.expiry ?? PORTAL_DEFAULT_SECONDS },
      ["app:read", "app:write"],
    );
    return { token: created.token };
  }

  private async insert(actor: Actor, input: IngestSourceIn, baseUrl: string): Promise<IngestSourceRecord> {
    const now = Date.now();
    const token = newToken();
    const mapped = mapIngestConfig(input.type, input.config, urlOf(baseUrl, token));
    const app: ApplicationRow = {
      id: newId("app"),
      uid: null,
      name: `Ingest source: ${input.name}`,
      metadata: "{}",
      throttle_rate: null,
      retry_schedule: null,
      internal: INGEST_APP_KIND,
      created_at: now,
      updated_at: now,
    };
    const id = newId("src");
    const record: IngestSourceRecord = {
      source: {
        id,
        app_id: app.id,
        uid: null,
        name: input.name,
        provider: mapped.provider,
        platform: null,
        config: this.deps.sources.seal(mapped.provider, mapped.config),
        created_at: now,
        updated_at: now,
      },
      ingest: {
        source_id: id,
        app_id: app.id,
        uid: input.uid ?? null,
        type: input.type,
        metadata: JSON.stringify(input.metadata ?? {}),
        token: this.deps.keyring.seal(token),
        token_hash: sha256Hex(token),
        created_at: now,
        updated_at: now,
      },
    };
    if (record.ingest.uid !== null && (await this.deps.repo.find(record.ingest.uid))) throw uidTaken();
    try {
      await this.deps.audit.run(
        actor,
        (trx) => this.deps.repo.insert(app, record, trx),
        () => this.auditEntry("ingest_source.create", null, record),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw uidTaken();
      throw error;
    }
    return record;
  }

  private async write(actor: Actor, action: string, before: IngestSourceRecord, after: IngestSourceRecord): Promise<void> {
    if (after.ingest.uid !== null && after.ingest.uid !== before.ingest.uid) {
      const other = await this.deps.repo.find(after.ingest.uid);
      if (other && other.source.id !== before.source.id) throw uidTaken();
    }
    try {
      await this.deps.audit.run(
        actor,
        (trx) => this.deps.repo.update(after, trx),
        () => this.auditEntry(action, before, after),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw uidTaken();
      throw error;
    }
    // The ingest path caches lookups by token: a rotated token must stop at once here.
    this.deps.sources.forget();
  }

  /** The audit row: credentials (and URLs holding the token) masked; the token itself only as "changed". */
  private auditEntry(action: string, before: IngestSourceRecord | null, after: IngestSourceRecord | null) {
    const record = (after ?? before)!;
    const view = (r: IngestSourceRecord | null): Record<string, unknown> | null =>
      r && {
        uid: r.ingest.uid,
        name: r.source.name,
        type: r.ingest.type,
        metadata: JSON.parse(r.ingest.metadata) as unknown,
        config: this.deps.sources.open(r.source),
        token: r.ingest.token_hash,
      };
    return {
      action,
      appId: record.ingest.app_id,
      resourceId: record.source.id,
      changes: diffFields(view(before), view(after), { config: maskFields(AUDIT_MASKED), token: () => MASK }),
    };
  }

  private ingestUrl(record: IngestSourceRecord, baseUrl: string): string {
    return urlOf(baseUrl, this.deps.keyring.open(record.ingest.token));
  }

  private toOut(record: IngestSourceRecord, baseUrl: string): IngestSourceOut {
    const { ingest, source } = record;
    return {
      id: source.id,
      uid: ingest.uid,
      name: source.name,
      type: ingest.type,
      config: this.deps.sources.load(source).masked,
      ingestUrl: this.ingestUrl(record, baseUrl),
      metadata: JSON.parse(ingest.metadata) as Record<string, string>,
      createdAt: Iso(source.created_at),
      updatedAt: Iso(Math.max(source.updated_at, ingest.updated_at)),
    };
  }
}

function urlOf(baseUrl: string, token: string): string {
  return `${baseUrl}/ingest/in/${token}`;
}

function uidTaken(): ApiError {
  return ApiError.conflict("An ingest source with this uid already exists");
}
