import type { Config } from "../config/config.js";
import type { Page } from "../contract/common.js";
import type { EndpointHeadersIn, EndpointHeadersOut, EndpointOut, EndpointSecretOut, EndpointSecretRotateIn } from "../contract/endpoints.js";
import type { IngestEndpointIn, IngestEndpointOut, IngestEndpointUpsertIn } from "../contract/ingest.js";
import type { Keyring } from "../lib/keyring.js";
import type { EndpointsRepository } from "../store/endpoints-repository.js";
import { mapPage, type PageRequest } from "../store/paginate.js";
import type { ApplicationRow, EndpointRow } from "../store/schema.js";
import type { AuditLog } from "./audit-log.js";
import { EndpointService } from "./endpoints.js";
import type { IngestSourceService } from "./ingest-sources.js";
import type { Actor, Principal } from "./principal.js";

/**
 * Svix's `IngestEndpointOut` of one of our endpoints.
 *
 * @example toIngestEndpointOut(endpointOut).url // "https://example.com/hook"
 */
export function toIngestEndpointOut(ep: EndpointOut): IngestEndpointOut {
  return {
    id: ep.id,
    uid: ep.uid,
    url: ep.url,
    description: ep.description,
    disabled: ep.disabled,
    throttleRate: ep.throttleRate,
    metadata: ep.metadata,
    createdAt: ep.createdAt,
    updatedAt: ep.updatedAt,
  };
}

/**
 * `/ingest/api/v1/source/{source_id}/endpoint…` (what `svix.ingest.endpoint.*` calls): the
 * endpoints of an ingest source's internal application, managed by the endpoint service (URL
 * check, sealed secrets, rotation with grace, headers, audit as `ingest_endpoint.*`) under a
 * resolver that reaches that application through the source's id or uid, for admin keys only.
 * Transformations (`…/transformation`) are not served here: they attach through {@link IngestEndpointService.resolve}.
 *
 * @example const ep = await ingestEndpoints.create(actor, "stripe-production", { url: "https://example.com/hook" })
 */
export class IngestEndpointService {
  private readonly endpoints: EndpointService;

  constructor(
    repo: EndpointsRepository,
    sources: Pick<IngestSourceService, "application">,
    keyring: Keyring,
    config: Config,
    audit: AuditLog,
  ) {
    const resolver = { resolve: (principal: Principal, sourceIdOrUid: string) => sources.application(principal, sourceIdOrUid) };
    this.endpoints = new EndpointService(repo, resolver, keyring, config, audit, undefined, "ingest_endpoint");
  }

  /**
   * The source's internal application and one of its endpoints (404 for either): for features
   * layered on an ingest endpoint the way they are on any endpoint, such as Svix's
   * `…/endpoint/{endpoint_id}/transformation`, which then use `app.id` and `endpoint.id`.
   */
  resolve(principal: Principal, sourceId: string, endpointId: string): Promise<{ app: ApplicationRow; endpoint: EndpointRow }> {
    return this.endpoints.resolve(principal, sourceId, endpointId);
  }

  async list(principal: Principal, sourceId: string, page: PageRequest): Promise<Page<IngestEndpointOut>> {
    return mapPage(await this.endpoints.list(principal, sourceId, page), toIngestEndpointOut);
  }

  async create(actor: Actor, sourceId: string, input: IngestEndpointIn): Promise<IngestEndpointOut> {
    return toIngestEndpointOut(await this.endpoints.create(actor, sourceId, input));
  }

  async get(principal: Principal, sourceId: string, endpointId: string): Promise<IngestEndpointOut> {
    return toIngestEndpointOut(await this.endpoints.get(principal, sourceId, endpointId));
  }

  /** PUT: replaces the endpoint's fields (not its secret or headers), or creates it with the path value as uid. */
  async upsert(
    actor: Actor,
    sourceId: string,
    endpointId: string,
    input: IngestEndpointUpsertIn,
  ): Promise<{ endpoint: IngestEndpointOut; created: boolean }> {
    const { endpoint, created } = await this.endpoints.upsert(actor, sourceId, endpointId, input);
    return { endpoint: toIngestEndpointOut(endpoint), created };
  }

  delete(actor: Actor, sourceId: string, endpointId: string): Promise<void> {
    return this.endpoints.delete(actor, sourceId, endpointId);
  }

  getSecret(principal: Principal, sourceId: string, endpointId: string): Promise<EndpointSecretOut> {
    return this.endpoints.getSecret(principal, sourceId, endpointId);
  }

  rotateSecret(actor: Actor, sourceId: string, endpointId: string, input: EndpointSecretRotateIn): Promise<void> {
    return this.endpoints.rotateSecret(actor, sourceId, endpointId, input);
  }

  getHeaders(principal: Principal, sourceId: string, endpointId: string): Promise<EndpointHeadersOut> {
    return this.endpoints.getHeaders(principal, sourceId, endpointId);
  }

  setHeaders(actor: Actor, sourceId: string, endpointId: string, input: EndpointHeadersIn): Promise<void> {
    return this.endpoints.updateHeaders(actor, sourceId, endpointId, input);
  }
}
