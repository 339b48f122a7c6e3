import { z } from "zod";

import { AppParams, ListQuery, listResponse, NoContent } from "../../contract/common.js";
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
import { toTokenOut, toWhoamiOut } from "../../services/token-out.js";
import { actorOf } from "../actor.js";
import type { RouteModule } from "../app-deps.js";
import { principalOf } from "../auth.js";
import { publicBaseUrl } from "../public-url.js";

const tags = ["Authentication"];
const TokenParams = z.object({ token_id: z.string().min(1).max(256) });

/** API keys (admin only), Svix's consumer-portal sessions, and the caller's own token. */
export const tokenRoutes: RouteModule = (app, { services, config }) => {
  const { tokens, appTokens } = services;
  const admin = { scope: "admin" } as const;

  app.get(
    "/api/v1/token",
    { config: admin, schema: { tags, operationId: "hookrelay.token.list", querystring: ListQuery, response: { 200: listResponse(TokenOut) } } },
    async (req) => {
      const page = await tokens.list(req.query.limit, req.query.iterator);
      return { ...page, data: page.data.map(toTokenOut) };
    },
  );

  app.post(
    "/api/v1/token",
    { config: admin, schema: { tags, operationId: "hookrelay.token.create", body: TokenIn, response: { 201: TokenCreatedOut } } },
    async (req, reply) => {
      const created = await appTokens.createKey(actorOf(req), req.body);
      return reply.code(201).send({ ...toTokenOut(created), token: created.token });
    },
  );

  app.get(
    "/api/v1/token/:token_id",
    { config: admin, schema: { tags, operationId: "hookrelay.token.get", params: TokenParams, response: { 200: TokenOut } } },
    async (req) => toTokenOut(await tokens.get(req.params.token_id)),
  );

  app.patch(
    "/api/v1/token/:token_id",
    { config: admin, schema: { tags, operationId: "hookrelay.token.update", params: TokenParams, body: TokenPatch, response: { 200: TokenOut } } },
    async (req) => {
      const { expiresAt, ...rest } = req.body;
      const patch = { ...rest, expiresAt: expiresAt === undefined ? undefined : expiresAt === null ? null : Date.parse(expiresAt) };
      return toTokenOut(await tokens.update(actorOf(req), req.params.token_id, patch));
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
      return reply.code(201).send({ ...toTokenOut(rotated), token: rotated.token });
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
      const created = await appTokens.openPortal(actorOf(req), req.params.app_id, req.body);
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
      await appTokens.expirePortalSessions(actorOf(req), req.params.app_id, req.body);
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
    async (req) => toWhoamiOut(principalOf(req)),
  );
};
