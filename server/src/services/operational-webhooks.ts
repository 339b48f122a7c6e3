import type { Kysely } from "kysely";

import type { Config } from "../config/config.js";
import type { AttemptListQuery, MessageAttemptOut } from "../contract/attempts.js";
import type { Page } from "../contract/common.js";
import type {
  EndpointHeadersIn,
  EndpointHeadersOut,
  EndpointIn,
  EndpointOut,
  EndpointSecretOut,
  EndpointSecretRotateIn,
  EndpointUpdate,
} from "../contract/endpoints.js";
import type { OperationalWebhookEndpointOut } from "../contract/operational-webhooks.js";
import { ApiError } from "../lib/errors.js";
import type { Keyring } from "../lib/keyring.js";
import type { ApplicationsRepository } from "../store/applications-repository.js";
import type { EndpointsRepository } from "../store/endpoints-repository.js";
import { ensureOperationalApp, OPERATIONAL_APP_ID } from "../store/operational-app.js";
import { mapPage, type PageRequest } from "../store/paginate.js";
import type { ApplicationRow, Database } from "../store/schema.js";
import { requireAdmin } from "./applications.js";
import type { AttemptService } from "./attempts.js";
import type { AuditLog } from "./audit-log.js";
import { EndpointService } from "./endpoints.js";
import type { Actor, Principal } from "./principal.js";

/**
 * The Svix shape of an endpoint of the operational application.
 *
 * @example toOperationalEndpointOut(endpointOut).eventTypes // ["message.attempt.exhausted"]
 */
export function toOperationalEndpointOut(ep: EndpointOut): OperationalWebhookEndpointOut {
  return {
    id: ep.id,
    uid: ep.uid,
    url: ep.url,
    description: ep.description,
    disabled: ep.disabled,
    eventTypes: ep.eventTypes,
    filterTypes: ep.eventTypes,
    metadata: ep.metadata,
    throttleRate: ep.throttleRate,
    createdAt: ep.createdAt,
    updatedAt: ep.updatedAt,
  };
}

/** What {@link OperationalWebhookService} is built from. */
export interface OperationalWebhookDeps {
  db: Kysely<Database>;
  applications: ApplicationsRepository;
  endpoints: EndpointsRepository;
  keyring: Keyring;
  config: Config;
  audit: AuditLog;
  /** Builds the attempt listing over this service's endpoints (the attempts service of the operational application). */
  attempts: (endpoints: EndpointService) => AttemptService;
}

/**
 * `/api/v1/operational-webhook/endpoint…`: the endpoints that receive operational events. They
 * are endpoints of the internal operational application, managed by the same endpoint service
 * (URL check, sealed secrets, rotation with grace, headers, audit) under a resolver that admits
 * only admin keys that are not limited to one application. Changes to them emit no operational
 * events (no feedback loop).
 *
 * @example const ep = await operational.create(actor, { url: "https://ops.example.com/hook", eventTypes: ["endpoint.disabled"] });
 */
export class OperationalWebhookService {
  private readonly endpoints: EndpointService;
  private readonly attempts: AttemptService;
  private app: ApplicationRow | undefined;

  constructor(private readonly deps: OperationalWebhookDeps) {
    const resolver = { resolve: (principal: Principal) => this.resolveApp(principal) };
    this.endpoints = new EndpointService(
      deps.endpoints,
      resolver,
      deps.keyring,
      deps.config,
      deps.audit,
      undefined,
      "operational_endpoint",
    );
    this.attempts = deps.attempts(this.endpoints);
  }

  async list(principal: Principal, page: PageRequest): Promise<Page<OperationalWebhookEndpointOut>> {
    return mapPage(await this.endpoints.list(principal, OPERATIONAL_APP_ID, page), toOperationalEndpointOut);
  }

  async create(actor: Actor, input: EndpointIn): Promise<OperationalWebhookEndpointOut> {
    return toOperationalEndpointOut(await this.endpoints.create(actor, OPERATIONAL_APP_ID, input));
  }

  async get(principal: Principal, endpointId: string): Promise<OperationalWebhookEndpointOut> {
    return toOperationalEndpointOut(await this.endpoints.get(principal, OPERATIONAL_APP_ID, endpointId));
  }

  /** PUT: replaces the endpoint, or creates it with the path value as uid. */
  async upsert(
    actor: Actor,
    endpointId: string,
    input: EndpointUpdate,
  ): Promise<{ endpoint: OperationalWebhookEndpointOut; created: boolean }> {
    const { endpoint, created } = await this.endpoints.upsert(actor, OPERATIONAL_APP_ID, endpointId, input);
    return { endpoint: toOperationalEndpointOut(endpoint), created };
  }

  delete(actor: Actor, endpointId: string): Promise<void> {
    return this.endpoints.delete(actor, OPERATIONAL_APP_ID, endpointId);
  }

  getSecret(principal: Principal, endpointId: string): Promise<EndpointSecretOut> {
    return this.endpoints.getSecret(principal, OPERATIONAL_APP_ID, endpointId);
  }

  rotateSecret(actor: Actor, endpointId: string, input: EndpointSecretRotateIn): Promise<void> {
    return this.endpoints.rotateSecret(actor, OPERATIONAL_APP_ID, endpointId, input);
  }

  getHeaders(principal: Principal, endpointId: string): Promise<EndpointHeadersOut> {
    return this.endpoints.getHeaders(principal, OPERATIONAL_APP_ID, endpointId);
  }

  updateHeaders(actor: Actor, endpointId: string, input: EndpointHeadersIn): Promise<void> {
    return this.endpoints.updateHeaders(actor, OPERATIONAL_APP_ID, endpointId, input);
  }

  /** The delivery attempts made to one operational endpoint, newest first (the dashboard's log). */
  listAttempts(principal: Principal, endpointId: string, query: AttemptListQuery): Promise<Page<MessageAttemptOut>> {
    return this.attempts.listByEndpoint(principal, OPERATIONAL_APP_ID, endpointId, query);
  }

  /** The operational application, created on first use; only for admin keys not limited to one application. */
  private async resolveApp(principal: Principal): Promise<ApplicationRow> {
    requireAdmin(principal);
    if (principal.appId !== null) throw ApiError.forbidden("This token is limited to one application");
    if (!this.app) {
      await ensureOperationalApp(this.deps.db, Date.now());
      const row = await this.deps.applications.find(OPERATIONAL_APP_ID);
      if (!row) throw new Error("the operational application could not be created");
      this.app = row;
    }
    return this.app;
  }
}
