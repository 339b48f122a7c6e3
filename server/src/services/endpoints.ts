
import type { Config } from "../config/config.js";
import type { Page } from "../contract/common.js";
import type {
  EndpointHeadersIn,
  EndpointHeadersOut,
  EndpointHeadersPatchIn,
  EndpointIn,
  EndpointOut,
  EndpointPatch,
  EndpointSecretOut,
  EndpointSecretRotateIn,
  EndpointUpdate,
  SignatureAlgorithm,
} from "../contract/endpoints.js";
import { isUniqueViolation } from "../lib/db-errors.js";
import { ApiError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import type { Keyring } from "../lib/keyring.js";
import type { EndpointsRepository, EndpointVersion } from "../store/endpoints-repository.js";
import { mapPage, type PageRequest } from "../store/paginate.js";
import { type ApplicationRow, CircuitState, type EndpointRow } from "../store/schema.js";
import type { ApplicationService } from "./applications.js";
import type { AuditEntry, AuditLog } from "./audit-log.js";
import { endpointAuditEntry } from "./endpoint-audit.js";
import { either, jsonList, storedFilter } from "./endpoint-columns.js";
import { maskHeaders, mergeHeaders, openHeaders, sealHeaders } from "./endpoint-headers.js";
import { toEndpointOut } from "./endpoint-out.js";
import { createEndpointUrlCheck } from "./endpoint-url-check.js";
import type { OperationalEvents } from "./operational-events.js";
import type { Actor, Principal } from "./principal.js";
import { algorithmOfRow, assertSchemeFitsKey, newEndpointSigning, rotatedSecret } from "./secret-rotation.js";

/** Compare-and-set retries before a concurrent-writer conflict is reported to the client. */
const CAS_ATTEMPTS = 5;
/**
 * Endpoints of an application: CRUD, signing secrets (sealed at rest, rotated with a grace
 * period) and custom delivery headers. Every lookup goes through {@link EndpointService.resolve},
 * so an endpoint is only ever reachable under its own application.
 *
 * @example const ep = await endpoints.create(principal, "acme", { url: "https://example.com/hook" })
 */
export class EndpointService {
  /** Throws a 422 for a URL the delivery guard would refuse (literal private address, localhost). */
  private readonly checkUrl: (url: string) => void;

  constructor(
    private readonly repo: EndpointsRepository,
    private readonly applications: Pick<ApplicationService, "resolve">,
    private readonly keyring: Keyring,
    private readonly config: Config,
    private readonly audit: AuditLog,
    /** Told of each committed change, for operational webhooks; absent for the operational endpoints themselves. */
    private readonly events?: Pick<OperationalEvents, "endpointChanged">,
    /** The audit action's resource: `endpoint.update`, or `operational_endpoint.update`. */
    private readonly auditResource = "endpoint",
  ) {
    this.checkUrl = createEndpointUrlCheck(config.allowPrivateNetworks);
  }

  /**
   * The application and endpoint named by id or uid. A missing endpoint, one of another
   * application, or an application the principal may not see all give the same 404.
   *
   * @example const { app, endpoint } = await endpoints.resolve(principal, "acme", "ep_…")
   */
  async resolve(
    principal: Principal,
    appIdOrUid: string,
    endpointIdOrUid: string,
  ): Promise<{ app: ApplicationRow; endpoint: EndpointRow }> {
    const app = await this.applications.resolve(principal, appIdOrUid);
    const endpoint = await this.repo.find(app.id, endpointIdOrUid);
    if (!endpoint) throw ApiError.notFound("Endpoint");
    return { app, endpoint };
  }

  async list(principal: Principal, appIdOrUid: string, page: PageRequest): Promise<Page<EndpointOut>> {
    const app = await this.applications.resolve(principal, appIdOrUid);
    return mapPage(await this.repo.list(app.id, page), toEndpointOut);
  }

  async create(actor: Actor, appIdOrUid: string, input: EndpointIn): Promise<EndpointOut> {
    const app = await this.applications.resolve(actor, appIdOrUid);
    return toEndpointOut(await this.insert(actor, app, input));
  }

  async get(principal: Principal, appIdOrUid: string, endpointIdOrUid: string): Promise<EndpointOut> {
    return toEndpointOut((await this.resolve(principal, appIdOrUid, endpointIdOrUid)).endpoint);
  }

  /**
   * PUT: replaces the endpoint's settings (not its secret or headers), or creates it with the
   * path value as uid when no endpoint has that uid. An `ep_…` id that does not exist is a 404.
   */
  async upsert(
    actor: Actor,
    appIdOrUid: string,
    endpointIdOrUid: string,
    input: EndpointUpdate,
  ): Promise<{ endpoint: EndpointOut; created: boolean }> {
    const app = await this.applications.resolve(actor, appIdOrUid);
    let existing = await this.repo.find(app.id, endpointIdOrUid);
    if (!existing) {
      if (endpointIdOrUid.startsWith("ep_") || !UID.test(endpointIdOrUid)) {
        throw ApiError.notFound("Endpoint");
      }
      try {
        const row = await this.insert(actor, app, { ...input, uid: input.uid ?? endpointIdOrUid });
        return { endpoint: toEndpointOut(row), created: true };
      } catch (error) {
        // A concurrent PUT created it first: replace theirs, as a PUT arriving later would.
        existing = await this.repo.find(app.id, endpointIdOrUid);
        if (!(error instanceof ApiError) || error.status !== 409 || !existing) throw error;
      }
    }
    return { endpoint: await this.write(actor, app, existing, input, true), created: false };
  }

  async patch(
    actor: Actor,
    appIdOrUid: string,
    endpointIdOrUid: string,
    input: EndpointPatch,
  ): Promise<EndpointOut> {
    const { app, endpoint } = await this.resolve(actor, appIdOrUid, endpointIdOrUid);
    return this.write(actor, app, endpoint, input, false);
  }

  /**
   * Deletes the endpoint. Its deliveries and attempts are kept as history; pending ones are
   * failed by the worker when it finds the endpoint gone.
   */
  async delete(actor: Actor, appIdOrUid: string, endpointIdOrUid: string): Promise<void> {
    const { app, endpoint } = await this.resolve(actor, appIdOrUid, endpointIdOrUid);
    await this.audit.run(
      actor,
      (trx) => this.repo.delete(endpoint.id, trx),
      () => this.auditEntry("endpoint.delete", endpoint, null),
    );
    await this.events?.endpointChanged("deleted", app, endpoint, null);
  }

  async getSecret(
    principal: Principal,
    appIdOrUid: string,
    endpointIdOrUid: string,
  ): Promise<EndpointSecretOut> {
    const { endpoint } = await this.resolve(principal, appIdOrUid, endpointIdOrUid);
    // An ed25519 endpoint answers with its public key, as Svix does: the secret key never leaves.
    return { key: endpoint.public_key ?? this.keyring.open(endpoint.secret) };
  }

  /**
   * Replaces the signing secret (with `key`, or a generated one). The previous secret keeps
   * signing alongside the new one for `gracePeriodSeconds` (default HOOKRELAY_SECRET_GRACE_SECONDS)
   * so receivers can switch without rejecting deliveries.
   */
  async rotateSecret(
    actor: Actor,
    appIdOrUid: string,
    endpointIdOrUid: string,
    input: EndpointSecretRotateIn,
  ): Promise<void> {
    const { app, endpoint } = await this.resolve(actor, appIdOrUid, endpointIdOrUid);
    await this.modify(actor, "endpoint.secret.rotate", app, endpoint, ["secret", "old_secrets"], (row) => ({
      ...this.rotated(row, input.key ?? undefined, input.gracePeriodSeconds ?? undefined, input.signatureAlgorithm ?? undefined),
      updated_at: Date.now(),
    }));
  }

  /** Custom headers, with the values of credential-like headers masked and named in `sensitive`. */
  async getHeaders(
    principal: Principal,
    appIdOrUid: string,
    endpointIdOrUid: string,
  ): Promise<EndpointHeadersOut> {
    const { endpoint } = await this.resolve(principal, appIdOrUid, endpointIdOrUid);
    return maskHeaders(openHeaders(this.keyring, endpoint.headers));
  }

  /** Replaces all custom headers. */
  async updateHeaders(
    actor: Actor,
    appIdOrUid: string,
    endpointIdOrUid: string,
    input: EndpointHeadersIn,
  ): Promise<void> {
    const { app, endpoint } = await this.resolve(actor, appIdOrUid, endpointIdOrUid);
    await this.modify(actor, "endpoint.headers.update", app, endpoint, [], () => ({
      headers: sealHeaders(this.keyring, mergeHeaders({}, input.headers)),
      updated_at: Date.now(),
    }));
  }

  /** Merges into the custom headers: a null value or a name in `deleteHeaders` removes one. */
  async patchHeaders(
    actor: Actor,
    appIdOrUid: string,
    endpointIdOrUid: string,
    input: EndpointHeadersPatchIn,
  ): Promise<void> {
    const { app, endpoint } = await this.resolve(actor, appIdOrUid, endpointIdOrUid);
    const removals = Object.fromEntries((input.deleteHeaders ?? []).map((name) => [name, null]));
    await this.modify(actor, "endpoint.headers.update", app, endpoint, ["headers"], (row) => ({
      headers: sealHeaders(
        this.keyring,
        mergeHeaders(openHeaders(this.keyring, row.headers), { ...removals, ...input.headers }),
      ),
      updated_at: Date.now(),
    }));
  }

  private async insert(actor: Actor, app: ApplicationRow, input: EndpointIn): Promise<EndpointRow> {
    // A polling endpoint has no URL (the contract allows none only with polling: true).
    if (input.url !== undefined) this.checkUrl(input.url);
    if (input.uid && (await this.repo.find(app.id, input.uid))) throw uidConflict();
    const now = Date.now();
    const row: EndpointRow = {
      id: newId("ep"),
      app_id: app.id,
      uid: input.uid ?? null,
      url: input.url ?? "",
      description: input.description ?? "",
      disabled: input.disabled ? 1 : 0,
      event_types: jsonList(either(input.filterTypes, input.eventTypes) ?? null),
      channels: jsonList(input.channels ?? null),
      metadata: JSON.stringify(input.metadata ?? {}),
      throttle_rate: either(input.throttleRate, input.rateLimit) || null,
      ...newEndpointSigning(input, this.keyring, this.config.defaultSignatureAlgorithm),
      old_secrets: "[]",
      headers: sealHeaders(this.keyring, mergeHeaders({}, input.headers ?? {})),
      first_failure_at: null,
      retry_schedule: null,
      max_in_flight: input.maxInFlight ?? null,
      disable_after_failures: input.disableAfterFailures ?? null,
      circuit_state: 0,
      consecutive_failures: 0,
      circuit_opens: 0,
      circuit_next_probe_at: null,
      window_started_at: null,
      window_attempts: 0,
      window_failures: 0,
      polling: input.polling ? 1 : 0,
      content_filter: storedFilter(input.filter),
      fifo: input.fifo ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.audit.run(
        actor,
        (trx) => this.repo.insert(row, trx),
        () => this.auditEntry("endpoint.create", null, row),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw uidConflict();
      throw error;
    }
    await this.events?.endpointChanged("created", app, null, row);
    return row;
  }

  /**
   * Applies PUT (`replace`: what the input leaves out is reset) or PATCH (kept) to an endpoint.
   * Only the columns the input governs are written, so a concurrent secret rotation, header
   * change or the worker's failure tracking is never overwritten with a stale value. A PUT that
   * omits `uid` keeps it: clearing it would make the endpoint unreachable at the path just used.
   */
  private async write(
    actor: Actor,
    app: ApplicationRow,
    existing: EndpointRow,
    input: EndpointPatch,
    replace: boolean,
  ): Promise<EndpointOut> {
    if (input.url !== undefined && existing.polling === 1) {
      throw new ApiError(422, "polling_endpoint", "A polling endpoint has no URL; change it with PATCH without `url`");
    }
    if (input.url !== undefined) this.checkUrl(input.url);
    const types = either(input.filterTypes, input.eventTypes);
    const rate = either(input.throttleRate, input.rateLimit);
    const change = (row: EndpointRow): Partial<EndpointRow> => {
      const disabled = input.disabled !== undefined ? (input.disabled ? 1 : 0) : replace ? 0 : row.disabled;
      const values: Partial<EndpointRow> = {
        url: input.url ?? row.url,
        uid: input.uid !== undefined ? input.uid : row.uid,
        description: input.description ?? (replace ? "" : row.description),
        disabled,
        event_types: types !== undefined ? jsonList(types) : replace ? null : row.event_types,
        channels: input.channels !== undefined ? jsonList(input.channels) : replace ? null : row.channels,
        metadata:
          input.metadata !== undefined ? JSON.stringify(input.metadata) : replace ? "{}" : row.metadata,
        // 0 (allowed by PATCH) means "no limit", like null.
        throttle_rate: rate !== undefined ? rate || null : replace ? null : row.throttle_rate,
        max_in_flight: input.maxInFlight !== undefined ? input.maxInFlight : replace ? null : row.max_in_flight,
        disable_after_failures:
          input.disableAfterFailures !== undefined
            ? input.disableAfterFailures
            : replace
              ? null
              : row.disable_after_failures,
        signature_scheme: input.signatureScheme ?? (replace ? "standard-webhooks" : row.signature_scheme),
        content_filter: input.filter !== undefined ? storedFilter(input.filter) : replace ? null : (row.content_filter ?? null),
        fifo: input.fifo !== undefined ? (input.fifo ? 1 : 0) : replace ? 0 : (row.fifo ?? 0),
        updated_at: Date.now(),
      };
      // Re-enabling starts a fresh failure window and a closed circuit, or the worker would
      // disable it again at once. So does a new URL: it is another receiver, and the old one's
      // failures (an open circuit holding every delivery) say nothing about it.
      const newReceiver = input.url !== undefined && input.url !== row.url;
      if ((row.disabled === 1 && disabled === 0) || newReceiver) {
        Object.assign(values, {
          first_failure_at: null,
          consecutive_failures: 0,
          circuit_state: CircuitState.closed,
          circuit_opens: 0,
          circuit_next_probe_at: null,
          window_started_at: null,
          window_attempts: 0,
          window_failures: 0,
        } satisfies Partial<EndpointRow>);
      }
      if (input.secret) Object.assign(values, this.rotated({ ...row, ...values }, input.secret, undefined));
      assertSchemeFitsKey(values.signature_scheme, algorithmOfRow(values.public_key !== undefined ? values : row));
      return values;
    };
    try {
      return toEndpointOut(
        await this.modify(actor, "endpoint.update", app, existing, input.secret ? ["secret", "old_secrets"] : input.signatureScheme ? ["secret"] : [], change),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw uidConflict();
      throw error;
    }
  }

  /** The secret columns after a rotation now: the current secret joins the old ones for the grace period. */
  private rotated(row: EndpointRow, key: string | undefined, graceSeconds: number | undefined, algorithm?: SignatureAlgorithm) {
    return rotatedSecret(row, key, graceSeconds ?? this.config.secretGraceSeconds, this.keyring, Date.now(), algorithm);
  }

  /**
   * Read-modify-write with compare-and-set on `compare`: when another request changed those
   * columns since `row` was read, the change is recomputed from a fresh read. The write and its
   * audit row (`action`, the row as it was → as written) commit together; the operational
   * event (`endpoint.updated`, and `endpoint.disabled`/`enabled`) follows the commit.
   */
  private async modify(
    actor: Actor,
    action: string,
    app: ApplicationRow,
    row: EndpointRow,
    compare: (keyof EndpointVersion)[],
    change: (row: EndpointRow) => Partial<EndpointRow>,
  ): Promise<EndpointRow> {
    const { before, after } = await this.audit.run(
      actor,
      async (trx) => {
        let current = row;
        for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
          const values = change(current);
          const expected: EndpointVersion = Object.fromEntries(compare.map((c) => [c, current[c]]));
          if (await this.repo.updateIf(current.id, expected, values, trx)) {
            return { before: current, after: { ...current, ...values } };
          }
          const fresh = await this.repo.get(current.id, trx);
          if (!fresh) throw ApiError.notFound("Endpoint");
          current = fresh;
        }
        throw ApiError.conflict("The endpoint was changed by another request at the same time; retry");
      },
      ({ before, after }) => this.auditEntry(action, before, after),
    );
    await this.events?.endpointChanged("updated", app, before, after);
    return after;
  }

  /** The audit row of a change: the signing secret as a fingerprint, header values masked. */
  private auditEntry(action: string, before: EndpointRow | null, after: EndpointRow | null): AuditEntry {
    const named = action.replace(/^endpoint\./, `${this.auditResource}.`);
    return endpointAuditEntry(named, before, after, (sealed) => this.keyring.open(sealed));
  }
}

const UID = /^[a-zA-Z0-9\-_.]{1,256}$/;

function uidConflict(): ApiError {
  return ApiError.conflict("An endpoint with this uid already exists in this application");
}
