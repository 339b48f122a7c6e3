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
const keyTags = ["API keys"];
const TokenParams = z.object({ token_id: z.string().min(1).max(256) });

/** API keys (admin only), Svix's consumer-portal sessions, and the caller's own token. */
export const tokenRoutes: RouteModule = (app, { services, config }) => {
  const { tokens, appTokens } = services;
  const admin = { scope: "admin" } as const;

  app.get(
    "/api/v1/token",
    {
      config: admin,
      schema: {
        tags: keyTags,
        operationId: "hookrelay.token.list",
        summary: "List API keys",
        description: "Lists the API keys with their scopes, allowed addresses, expiry and last use. Key secrets are never returned.",
        querystring: ListQuery,
        response: { 200: listResponse(TokenOut) },
      },
    },
    async (req) => {
      const page = await tokens.list(req.query.limit, req.query.iterator);
      return { ...page, data: page.data.map(toTokenOut) };
    },
  );

  app.post(
    "/api/v1/token",
    {
      config: admin,
      schema: {
        tags: keyTags,
        operationId: "hookrelay.token.create",
        summary: "Create an API key",
        description: "Creates a key, optionally bound to one application, limited to scopes, source addresses and a lifetime. The secret is in this response only and is never stored in plaintext.",
        body: TokenIn,
        response: { 201: TokenCreatedOut },
      },
    },
    async (req, reply) => {
      const created = await appTokens.createKey(actorOf(req), req.body);
      return reply.code(201).send({ ...toTokenOut(created), token: created.token });
    },
  );

  app.get(
    "/api/v1/token/:token_id",
    {
      config: admin,
      schema: {
        tags: keyTags,
        operationId: "hookrelay.token.get",
        summary: "Get an API key",
        description: "Returns one key's settings and usage, without its secret.",
        params: TokenParams,
        response: { 200: TokenOut },
      },
    },
    async (req) => toTokenOut(await tokens.get(req.params.token_id)),
  );

  app.patch(
    "/api/v1/token/:token_id",
    {
      config: admin,
      schema: {
        tags: keyTags,
        operationId: "hookrelay.token.update",
        summary: "Update an API key",
        description: "Changes a key's name, scopes, allowed addresses or expiry.",
        params: TokenParams,
        body: TokenPatch,
        response: { 200: TokenOut },
      },
    },
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
      schema: {
        tags: keyTags,
        operationId: "hookrelay.token.rotate",
        summary: "Rotate an API key",
        description: "Issues a new secret for the key (in this response only). The old one keeps working for the grace period, then stops.",
        params: TokenParams,
        body: TokenRotateIn.nullish(),
        response: { 201: TokenCreatedOut },
      },
    },
    async (req, reply) => {
      const grace = req.body?.graceSeconds ?? config.keyRotationGraceSeconds;
      const rotated = await tokens.rotate(actorOf(req), req.params.token_id, grace);
      return reply.code(201).send({ ...toTokenOut(rotated), token: rotated.token });
    },
  );

  app.delete(
    "/api/v1/token/:token_id",
    {
      config: admin,
      schema: {
        tags: keyTags,
        operationId: "hookrelay.token.revoke",
        summary: "Revoke an API key",
        description: "Revokes the key at once; requests with it then get 401.",
        params: TokenParams,
        response: { 204: NoContent },
      },
    },
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
        summary: "Open a consumer portal session",
        description: "Returns a short-lived token and a URL into the consumer portal, limited to this application; give them to your customer so they can manage their own endpoints. `readOnly: true` or a capability set without Manage…/Create… opens a read-only session.",
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
        summary: "End portal sessions",
        description: "Ends the application's portal sessions, now or after `expiry` seconds, optionally only those with the given `sessionIds`.",
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
    {
      config: { scope: "token" },
      schema: {
        tags,
        operationId: "v1.authentication.logout",
        summary: "Log out",
        description: "Ends the calling portal session. Any valid token may call it.",
        response: { 204: NoContent },
      },
    },
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
    {
      config: { scope: "token" },
      schema: {
        tags,
        operationId: "v1.authentication.whoami",
        summary: "Describe the calling token",
        description: "Returns the calling token's kind, application, scopes and expiry. Any valid token may call it.",
        response: { 200: WhoamiOut },
      },
    },
    async (req) => toWhoamiOut(principalOf(req)),
  );
};
