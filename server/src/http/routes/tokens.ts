import { z } from "zod";

import { AppParams, Iso, ListQuery, listResponse, NoContent } from "../../contract/common.js";
import {
  ApplicationTokenExpireIn,
  AppPortalAccessIn,
  AppPortalAccessOut,
  TokenCreatedOut,
  TokenIn,
  TokenOut,
  TokenPatch,
  TokenRotateIn,
  WhoamiOut,
} from "../../contract/tokens.js";
import { ApiError } from "../../lib/errors.js";
import { PORTAL_SCOPES, READ_ONLY_PORTAL_SCOPES } from "../../services/scopes.js";
import type { TokenInfo } from "../../services/tokens.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";
import { publicBaseUrl } from "../public-url.js";

const tags = ["Authentication"];
const PORTAL_DEFAULT_SECONDS = 3600;
const TokenParams = z.object({ token_id: z.string().min(1).max(256) });
/** Portal capabilities that allow a write; a session granted none of them is read-only. */
const WRITE_CAPABILITIES = new Set(["ManageEndpointSecret", "ManageTransformations", "CreateAttempts", "ManageEndpoint"]);

const iso = (ms: number | null) => (ms === null ? null : Iso(ms));

function tokenOut(t: TokenInfo): TokenOut {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    appId: t.appId,
    scopes: t.scopes,
    readOnly: t.readOnly,
    allowedIps: t.allowedIps,
    sessionId: t.sessionId,
    createdAt: Iso(t.createdAt),
    expiresAt: iso(t.expiresAt),
    rotatedAt: iso(t.rotatedAt),
    previousExpiresAt: iso(t.previousExpiresAt),
    lastUsedAt: iso(t.lastUsedAt),
    lastUsedIp: t.lastUsedIp,
    requestCount: t.requestCount,
  };
}

/** API keys (admin only), Svix's consumer-portal sessions, and the caller's own token. */
export const tokenRoutes: RouteModule = (app, { services, config }) => {
  const { tokens, applications } = services;
  const admin = { scope: "admin" } as const;

  app.get(
    "/api/v1/token",
    { config: admin, schema: { tags, operationId: "hookrelay.token.list", querystring: ListQuery, response: { 200: listResponse(TokenOut) } } },
    async (req) => {
      const page = await tokens.list(req.query.limit, req.query.iterator);
      return { ...page, data: page.data.map(tokenOut) };
    },
  );

  app.post(
    "/api/v1/token",
    { config: admin, schema: { tags, operationId: "hookrelay.token.create", body: TokenIn, response: { 201: TokenCreatedOut } } },
    async (req, reply) => {
      const actor = actorOf(req);
      const appId = req.body.appId ? (await applications.resolve(actor, req.body.appId)).id : null;
      const created = await tokens.create(actor, {
        name: req.body.name,
        appId,
        scopes: req.body.scopes,
        allowedIps: req.body.allowedIps,
        ttlSeconds: req.body.expiresIn,
      });
      return reply.code(201).send({ ...tokenOut(created), token: created.token });
    },
  );

  app.get(
    "/api/v1/token/:token_id",
    { config: admin, schema: { tags, operationId: "hookrelay.token.get", params: TokenParams, response: { 200: TokenOut } } },
    async (req) => tokenOut(await tokens.get(req.params.token_id)),
  );

  app.patch(
    "/api/v1/token/:token_id",
    { config: admin, schema: { tags, operationId: "hookrelay.token.update", params: TokenParams, body: TokenPatch, response: { 200: TokenOut } } },
    async (req) => {
      const { expiresAt, ...rest } = req.body;
      const patch = { ...rest, expiresAt: expiresAt === undefined ? undefined : expiresAt === null ? null : Date.parse(expiresAt) };
      return tokenOut(await tokens.update(actorOf(req), req.params.token_id, patch));
    },
  );

  app.post(
    "/api/v1/token/:token_id/rotate",
    {
      config: admin,
      schema: { tags, operationId: "hookrelay.token.rotate", params: TokenParams, body: TokenRotateIn.nullish(), response: { 201: TokenCreatedOut } },
    },
    async (req, reply) => {
      const grace = req.body?.graceSeconds ?? config.keyRotationGraceSeconds;
      const rotated = await tokens.rotate(actorOf(req), req.params.token_id, grace);
      return reply.code(201).send({ ...tokenOut(rotated), token: rotated.token });
    },
  );

  app.delete(
    "/api/v1/token/:token_id",
    { config: admin, schema: { tags, operationId: "hookrelay.token.revoke", params: TokenParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await tokens.revoke(actorOf(req), req.params.token_id);
      return reply.code(204).send();
    },
  );

  app.post(
    "/api/v1/auth/app-portal-access/:app_id",
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.authentication.app-portal-access",
        params: AppParams,
        body: AppPortalAccessIn.nullish(),
        response: { 200: AppPortalAccessOut },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      let target;
      try {
        target = await applications.resolve(actor, req.params.app_id);
      } catch (error) {
        const create = req.body?.application;
        if (!create) throw error;
        target = (await applications.create(actor, { ...create, uid: create.uid ?? req.params.app_id }, true)).app;
      }
      const capabilities = req.body?.capabilities;
      const readOnly =
        req.body?.readOnly === true || (capabilities != null && !capabilities.some((c) => WRITE_CAPABILITIES.has(c)));
      const sessionId = req.body?.sessionId ?? null;
      const created = await tokens.create(
        actor,
        {
          name: `portal ${target.id}${sessionId ? ` (${sessionId})` : ""}`,
          appId: target.id,
          kind: "portal",
          readOnly,
          scopes: readOnly ? READ_ONLY_PORTAL_SCOPES : PORTAL_SCOPES,
          sessionId,
          ttlSeconds: req.body?.expiry ?? PORTAL_DEFAULT_SECONDS,
        },
        "app-portal-access.create",
      );
      return { url: `${publicBaseUrl(config, req)}/portal#token=${created.token}`, token: created.token };
    },
  );

  app.post(
    "/api/v1/auth/app/:app_id/expire-all",
    {
      config: admin,
      schema: {
        tags,
        operationId: "v1.authentication.expire-all",
        params: AppParams,
        body: ApplicationTokenExpireIn.nullish(),
        response: { 204: NoContent },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const target = await applications.resolve(actor, req.params.app_id);
      await tokens.expirePortalSessions(actor, target.id, req.body?.expiry ?? 0, req.body?.sessionIds ?? undefined);
      return reply.code(204).send();
    },
  );

  app.post(
    "/api/v1/auth/logout",
    { config: { scope: "token" }, schema: { tags, operationId: "v1.authentication.logout", response: { 204: NoContent } } },
    async (req, reply) => {
      const actor = actorOf(req);
      // As Svix: only a portal session ends itself this way; API keys are revoked by id.
      if (actor.kind !== "portal") {
        throw new ApiError(403, "not_a_session", "Only a portal session can log out; revoke API keys with DELETE /api/v1/token/{id}");
      }
      await tokens.revoke(actor, actor.tokenId, "auth.logout");
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/v1/auth/whoami",
    { config: { scope: "token" }, schema: { tags, operationId: "v1.authentication.whoami", response: { 200: WhoamiOut } } },
    async (req) => {
      const p = principalOf(req);
      return {
        tokenId: p.tokenId,
        name: p.name,
        kind: p.kind,
        appId: p.appId,
        scopes: [...p.scopes],
        readOnly: p.readOnly,
        sessionId: p.sessionId,
        expiresAt: iso(p.expiresAt),
      };
    },
  );
};
