import Fastify from "fastify";
import { describe, expect, it } from "vitest";

import type { AuditLog } from "../services/audit-log.js";
import { TokenUsage } from "../services/token-usage.js";
import { TokenService } from "../services/tokens.js";
import type { TokensRepository } from "../store/tokens-repository.js";
import { registerAuth, routeTable } from "./auth.js";

/** The guard needs no store: routes are judged as they are registered, before any request. */
function appWithAuth() {
  const repo = {} as TokensRepository;
  const app = Fastify();
  registerAuth(app, new TokenService(repo, new TokenUsage(repo, 1_000), {} as AuditLog));
  return app;
}

describe("registerAuth's route guard", () => {
  it("refuses to register an /api/ route that declares no scope", async () => {
    const app = appWithAuth();
    expect(() => app.get("/api/v1/forgotten", async () => ({ leaked: true }))).toThrow(
      /GET \/api\/v1\/forgotten is not public and declares no config.scope/,
    );
  });

  it("refuses a scope-less route in a plugin, and a non-API one that is not on the public list", async () => {
    const app = appWithAuth();
    const registered = app.register(async (scope) => {
      scope.post("/admin/reset", async () => ({}));
    });
    await expect(registered).rejects.toThrow(/POST \/admin\/reset/);
  });

  it("records public routes and scoped routes in the route table", async () => {
    const app = appWithAuth();
    app.get("/api/v1/health", async () => null);
    app.get("/api/v1/thing", { config: { scope: "app:read" } }, async () => null);
    await app.ready();
    expect(routeTable(app)).toEqual(
      expect.arrayContaining([
        { method: "GET", url: "/api/v1/health", scope: null },
        { method: "GET", url: "/api/v1/thing", scope: "app:read" },
        { method: "HEAD", url: "/api/v1/thing", scope: "app:read" },
      ]),
    );
    await app.close();
  });
});
