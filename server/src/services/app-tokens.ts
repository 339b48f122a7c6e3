import type { ApplicationTokenExpireIn, AppPortalAccessIn, TokenIn } from "../contract/tokens.js";
import type { ApplicationRow } from "../store/schema.js";
import type { ApplicationService } from "./applications.js";
import type { Actor } from "./principal.js";
import { PORTAL_SCOPES, READ_ONLY_PORTAL_SCOPES, type Scope } from "./scopes.js";
import type { CreatedToken, TokenService } from "./tokens.js";

/** Lifetime of a portal session when the request names none. */
const PORTAL_DEFAULT_SECONDS = 3600;
/** Portal capabilities that allow a write; a session granted none of them is read-only. */
const WRITE_CAPABILITIES = new Set(["ManageEndpointSecret", "ManageTransformations", "CreateAttempts", "ManageEndpoint"]);

/**
 * Tokens tied to an application, named by its id or uid: API keys limited to one application,
 * and Svix's consumer-portal sessions (opened, creating the application if asked, and expired).
 *
 * @example const { token } = await appTokens.openPortal(actor, "acme", { readOnly: true });
 */
export class AppTokenService {
  constructor(
    private readonly tokens: TokenService,
    private readonly applications: ApplicationService,
  ) {}

  /** An API key: on every application, or on the one `input.appId` names. */
  async createKey(actor: Actor, input: TokenIn): Promise<CreatedToken> {
    const appId = input.appId ? (await this.applications.resolve(actor, input.appId)).id : null;
    return this.tokens.create(actor, {
      name: input.name,
      appId,
      scopes: input.scopes,
      allowedIps: input.allowedIps,
      ttlSeconds: input.expiresIn,
    });
  }

  /**
   * A consumer-portal session on an application, which `input.application` creates when it
   * does not exist. Capabilities without any write make a read-only session.
   */
  async openPortal(actor: Actor, appIdOrUid: string, input: AppPortalAccessIn | null | undefined): Promise<CreatedToken> {
    let target;
    try {
      target = await this.applications.resolve(actor, appIdOrUid);
    } catch (error) {
      const create = input?.application;
      if (!create) throw error;
      target = (await this.applications.create(actor, { ...create, uid: create.uid ?? appIdOrUid }, true)).app;
    }
    return this.openPortalFor(actor, target, input);
  }

  /**
   * A consumer-portal session on an application already resolved: also an internal one, such
   * as an ingest source's (its dashboard), which the application routes do not resolve.
   */
  async openPortalFor(
    actor: Actor,
    target: Pick<ApplicationRow, "id">,
    input: Pick<AppPortalAccessIn, "capabilities" | "readOnly" | "sessionId" | "expiry"> | null | undefined,
    /** What a writable session may do; an ingest source's dashboard manages endpoints only. */
    writableScopes: readonly Scope[] = PORTAL_SCOPES,
  ): Promise<CreatedToken> {
    const capabilities = input?.capabilities;
    const readOnly =
      input?.readOnly === true || (capabilities != null && !capabilities.some((c) => WRITE_CAPABILITIES.has(c)));
    const sessionId = input?.sessionId ?? null;
    return this.tokens.create(
      actor,
      {
        name: `portal ${target.id}${sessionId ? ` (${sessionId})` : ""}`,
        appId: target.id,
        kind: "portal",
        readOnly,
        scopes: readOnly ? READ_ONLY_PORTAL_SCOPES : writableScopes,
        sessionId,
        ttlSeconds: input?.expiry ?? PORTAL_DEFAULT_SECONDS,
      },
      "app-portal-access.create",
    );
  }

  /** Ends an application's portal sessions (those of `sessionIds` only, when given) after `expiry` seconds. */
  async expirePortalSessions(actor: Actor, appIdOrUid: string, input: ApplicationTokenExpireIn | null | undefined): Promise<void> {
    const target = await this.applications.resolve(actor, appIdOrUid);
    await this.tokens.expirePortalSessions(actor, target.id, input?.expiry ?? 0, input?.sessionIds ?? undefined);
  }
}
