import { z } from "zod";

import { Iso, ListQuery, listResponse, NoContent } from "../../api/common.js";
import { AppPortalAccessIn, AppPortalAccessOut, TokenCreatedOut, TokenIn, TokenOut } from "../../api/tokens.js";
import { requireAdmin } from "../../services/applications.js";
import type { CreatedToken } from "../../services/tokens.js";
import { actorOf } from "../actor.js";
import { principalOf } from "../auth.js";
import type { RouteModule } from "../route-module.js";

const tags = ["Authentication"];
const PORTAL_DEFAULT_SECONDS = 3600;

function tokenOut(t: Omit<CreatedToken, "token">) {
  return {
    id: t.id,
    name: t.name,
    appId: t.appId,
    createdAt: Iso(t.createdAt),
    expiresAt: t.expiresAt !== null ? Iso(t.expiresAt) : null,
  };
}

/** Hookrelay's API-token management, and Svix's consumer-portal access. */
export const tokenRoutes: RouteModule = (app, { services, config }) => {
  const { tokens, applications } = services;

  app.get(
    "/api/v1/token",
    { schema: { tags, operationId: "hookrelay.token.list", querystring: ListQuery, response: { 200: listResponse(TokenOut) } } },
    async (req) => {
      requireAdmin(principalOf(req));
      const page = await tokens.list(req.query.limit, req.query.iterator);
      return { ...page, data: page.data.map(tokenOut) };
    },
  );

  app.post(
    "/api/v1/token",
    { schema: { tags, operationId: "hookrelay.token.create", body: TokenIn, response: { 201: TokenCreatedOut } } },
    async (req, reply) => {
      const actor = actorOf(req);
      requireAdmin(actor);
      const appId = req.body.appId ? (await applications.resolve(actor, req.body.appId)).id : null;
      const created = await tokens.create(actor, { name: req.body.name, appId, ttlSeconds: req.body.expiresIn ?? null });
      return reply.code(201).send({ ...tokenOut(created), token: created.token });
    },
  );

  app.delete(
    "/api/v1/token/:token_id",
    { schema: { tags, operationId: "hookrelay.token.revoke", params: z.object({ token_id: z.string().max(256) }), response: { 204: NoContent } } },
    async (req, reply) => {
      const actor = actorOf(req);
      requireAdmin(actor);
      await tokens.revoke(actor, req.params.token_id);
      return reply.code(204).send();
    },
  );

  app.post(
    "/api/v1/auth/app-portal-access/:app_id",
    {
      schema: {
        tags,
        operationId: "v1.authentication.app-portal-access",
        params: z.object({ app_id: z.string().min(1).max(256) }),
        body: AppPortalAccessIn.optional(),
        response: { 200: AppPortalAccessOut },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      requireAdmin(actor);
      let target;
      try {
        target = await applications.resolve(actor, req.params.app_id);
      } catch (error) {
        const create = req.body?.application;
        if (!create) throw error;
        target = (await applications.create(actor, { ...create, uid: create.uid ?? req.params.app_id }, true)).app;
      }
      const created = await tokens.create(
        actor,
        {
          name: `portal ${target.id}${req.body?.sessionId ? ` (${req.body.sessionId})` : ""}`,
          appId: target.id,
          ttlSeconds: req.body?.expiry ?? PORTAL_DEFAULT_SECONDS,
        },
        "app-portal-access.create",
      );
      const base = config.publicUrl ?? `${req.protocol}://${req.host}`;
      return { url: `${base.replace(/\/$/, "")}/portal#token=${created.token}`, token: created.token };
    },
  );

  app.post(
    "/api/v1/auth/logout",
    { schema: { tags, operationId: "v1.authentication.logout", response: { 204: NoContent } } },
    async (req, reply) => {
      const actor = actorOf(req);
      // Only a portal session may end itself this way; admin tokens are revoked explicitly.
      if (actor.appId !== null) await tokens.revoke(actor, actor.tokenId, "auth.logout");
      return reply.code(204).send();
    },
  );
};
