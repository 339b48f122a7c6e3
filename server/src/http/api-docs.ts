import { readFileSync } from "node:fs";

import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

import { API_DESCRIPTION, API_TAGS, HOOKRELAY_LOGO_SVG } from "../contract/api-description.js";

/**
 * The version the reference shows: the published package's, read from the repository's
 * package.json (two folders above `server/src/http` and `server/dist/http` alike), so it cannot
 * drift from what `npm pack` ships.
 */
export const API_VERSION: string = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

type SwaggerTransform = Parameters<typeof jsonSchemaTransform>[0];
type RouteConfig = { config?: { scope?: string } } | undefined;

const ERROR_EXAMPLE = { code: "authentication_failed", detail: "Invalid token" };
const errorBody = (description: string, example: { code: string; detail: string }) => ({
  description,
  type: "object",
  properties: { code: { type: "string" }, detail: { type: "string" } },
  required: ["code", "detail"],
  example,
});

/**
 * The zod transform, plus what every operation shares and no route should repeat: who may call
 * it (read from the route's own `scope`, the one the auth hook enforces, so the text cannot lie)
 * and the authentication errors.
 */
function transform(input: SwaggerTransform): ReturnType<typeof jsonSchemaTransform> {
  const out = jsonSchemaTransform(input);
  const schema = out.schema as Record<string, unknown> | undefined;
  if (!schema || schema.hide) return out;
  const scope = (input.route as RouteConfig)?.config?.scope;
  const who = !scope
    ? "**Access:** public, no API key needed."
    : scope === "token"
      ? "**Access:** any valid API key or portal session."
      : `**Access:** an API key with the \`${scope}\` scope (\`admin\` includes every scope).`;
  schema.description = [schema.description, who].filter(Boolean).join("\n\n");
  if (scope) {
    schema.response = {
      ...(schema.response as object),
      401: errorBody("No API key, or an unknown, revoked or expired one.", ERROR_EXAMPLE),
      403: errorBody("The key lacks the scope, belongs to another application, or is used from a refused address.", {
        code: "insufficient_scope",
        detail: "This key lacks the app:write scope",
      }),
    };
  }
  return out;
}

/**
 * The OpenAPI document (`/openapi.json`) and the reference UI (`/docs`), both public.
 * Swagger UI is bundled with its plugin, so the reference works offline.
 *
 * @example await registerApiDocs(app);
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: "Hookrelay API", version: API_VERSION, description: API_DESCRIPTION },
      tags: API_TAGS,
      components: {
        securitySchemes: {
          HTTPBearer: { type: "http", scheme: "bearer", description: "An API key (`hr_…`) or a portal session token." },
        },
      },
      security: [{ HTTPBearer: [] }],
    },
    transform,
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    logo: { type: "image/svg+xml", content: Buffer.from(HOOKRELAY_LOGO_SVG), href: "/docs", target: "_self" },
    theme: { title: "Hookrelay API reference" },
    uiConfig: {
      docExpansion: "list",
      deepLinking: true,
      displayOperationId: false,
      defaultModelsExpandDepth: 0,
      tryItOutEnabled: false,
      persistAuthorization: true,
    },
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
