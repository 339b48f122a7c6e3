import { afterEach, expect, it } from "vitest";

import { type ServerProcess, startServer } from "../support/server-process.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HEADER_TOKEN = "Bearer header-credential-51c0de";
const RULE = "=".repeat(72);

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.stop();
  server?.cleanup();
  server = undefined;
});

/** The output without the first-start token banner, the one block that is not a log line. */
function withoutBanner(output: string): string {
  return output.replace(new RegExp(`${RULE}[\\s\\S]*?${RULE}`), "");
}

/**
 * The real server's output: pino JSON lines only, apart from the admin token shown once on
 * first start; delivery failures at warn; the opt-in request log; no secret anywhere but the
 * banner.
 */
it("writes JSON lines only, logs delivery failures at warn and requests on request, and no secret", async () => {
  // No HOOKRELAY_ADMIN_TOKEN: a first start, which makes and shows an admin token.
  server = await startServer({ env: { HOOKRELAY_ADMIN_TOKEN: "", HOOKRELAY_LOG_LEVEL: "info", HOOKRELAY_LOG_REQUESTS: "true" } });
  const token = /store it now:\n\n\s+(\S+)\n/.exec(server.output())?.[1];
  expect(token).toMatch(/^hr_/);
  const api = async (method: string, path: string, body: object) => {
    const res = await fetch(`${server!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    return (await res.json()) as { id: string };
  };
  await api("POST", "/api/v1/app", { name: "Logs", uid: "logs" });
  // Port 9 (discard) on loopback: nothing listens, so the attempt fails with ECONNREFUSED.
  const ep = await api("POST", "/api/v1/app/logs/endpoint", {
    url: "http://127.0.0.1:9/hook?token=query-credential-3e1f",
    secret: SECRET,
    headers: { Authorization: HEADER_TOKEN },
  });
  await api("POST", "/api/v1/app/logs/msg", { eventType: "x.y", payload: { n: 1 } });
  await expect.poll(() => server!.output().includes("delivery attempt failed"), { timeout: 10_000 }).toBe(true);
  await server.stop();

  const output = server.output();
  const lines = withoutBanner(output).split("\n").filter((l) => l.trim() !== "");
  const entries = lines.map((line) => {
    expect(() => JSON.parse(line), line).not.toThrow();
    return JSON.parse(line) as Record<string, unknown> & { msg?: string };
  });
  expect(entries.find((e) => e.msg?.startsWith("Hookrelay listening on http://"))).toMatchObject({ level: 30, url: server.url });
  expect(entries.some((e) => e.msg?.startsWith("Delivery worker started"))).toBe(true);
  expect(entries.some((e) => e.msg === "SIGTERM received, shutting down")).toBe(true);
  const failure = entries.find((e) => e.msg?.startsWith("delivery attempt failed"));
  expect(failure).toMatchObject({ level: 40, endpointId: ep.id, status: 0, outcome: "network_error", next: "retry" });
  expect(String(failure!.reason)).toContain("ECONNREFUSED");
  const request = entries.find((e) => e.msg === "incoming request" && (e.req as { url?: string }).url === "/api/v1/app/logs/endpoint");
  expect(request).toMatchObject({ level: 30, req: { method: "POST" } });
  expect(entries.some((e) => e.msg === "request completed" && (e.res as { statusCode?: number }).statusCode === 201)).toBe(true);

  // The token is in the banner, once, and nowhere else; no other secret appears at all.
  expect(output.split(token!)).toHaveLength(2);
  expect(withoutBanner(output)).not.toContain(token!);
  for (const secret of [SECRET, SECRET.slice("whsec_".length), HEADER_TOKEN, "header-credential", "query-credential"]) {
    expect(output).not.toContain(secret);
  }
});

it("is quiet about requests by default and prints readable lines with HOOKRELAY_LOG_FORMAT=pretty", async () => {
  // The waiter in startServer finds "listening on http://…" in the pretty line too.
  server = await startServer({ env: { HOOKRELAY_LOG_LEVEL: "info", HOOKRELAY_LOG_FORMAT: "pretty" } });
  const res = await fetch(`${server.url}/api/v1/health`);
  expect(res.ok).toBe(true);
  await server.stop();
  const output = server.output();
  expect(output).toMatch(/INFO.*Hookrelay listening on http:\/\//);
  expect(output).not.toMatch(/^\{/m);
  expect(output).not.toContain("incoming request");
});
