import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort, readmeSnippets, rewrite, ROOT, type Run, run } from "../support/readme-snippets.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

const README_SERVER = "http://127.0.0.1:8071";
const README_RECEIVER_PORT = 3000;

/**
 * The README's quick start, run as written: its code blocks are read from README.md (by their
 * `readme-test` markers) so the documentation cannot drift from what works. Only the two
 * addresses are rewritten, to free ports, so the test never collides with a running server.
 */
describe("the README quick start, as written", () => {
  const snippets = readmeSnippets();
  let server: ServerProcess;
  let dir: string;
  let receiver: Run;
  let env: Record<string, string>;
  let receiverPort: number;

  const atServer = (code: string): string => rewrite(code, README_SERVER, server.url);
  const atReceiver = (code: string): string =>
    rewrite(code, `127.0.0.1:${README_RECEIVER_PORT}`, `127.0.0.1:${receiverPort}`);

  beforeAll(async () => {
    // The start line's environment, e.g. HOOKRELAY_ALLOW_PRIVATE_NETWORKS=127.0.0.0/8.
    const start =
      snippets
        .get("start")
        ?.split("\n")
        .find((l) => l.includes("npm start")) ?? "";
    const startEnv = Object.fromEntries(
      [...start.matchAll(/\b(HOOKRELAY_\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]),
    );
    expect(startEnv).toHaveProperty("HOOKRELAY_ALLOW_PRIVATE_NETWORKS");
    // An empty value overrides the test default: only what the README sets opens loopback.
    server = await startServer({ env: { HOOKRELAY_ALLOW_PRIVATE_NETWORKS: "", ...startEnv } });
    receiverPort = await freePort();
    // Inside the repository, so `import "svix"` resolves from its node_modules (ESM ignores NODE_PATH).
    mkdirSync(join(ROOT, "tmp"), { recursive: true });
    dir = mkdtempSync(join(ROOT, "tmp", "readme-"));
    // The README's own one-liner makes the signing secret.
    const secretLine =
      snippets
        .get("run")
        ?.split("\n")
        .find((l) => l.startsWith("export WEBHOOK_SECRET=")) ?? "";
    const secret = execFileSync("bash", ["-c", `${secretLine} && printf %s "$WEBHOOK_SECRET"`]).toString();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    env = { HOOKRELAY_TOKEN: server.token, WEBHOOK_SECRET: secret };
  }, 60_000);

  afterAll(async () => {
    receiver?.child.kill();
    await server?.stop();
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the receiver verifies, and refuses what does not verify", async () => {
    const code = rewrite(
      snippets.get("receiver")!,
      `listen(${README_RECEIVER_PORT},`,
      `listen(${receiverPort},`,
    );
    writeFileSync(join(dir, "receiver.mjs"), atReceiver(code));
    receiver = run(process.execPath, [join(dir, "receiver.mjs")], env);
    await receiver.waitFor("receiver on");
    const forged = await fetch(`http://127.0.0.1:${receiverPort}/`, {
      method: "POST",
      body: "{}",
      headers: {
        "webhook-id": "msg_x",
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": "v1,AAAA",
      },
    });
    expect(forged.status).toBe(400);
  });

  it("the svix 2.x snippet delivers a verified message, to an endpoint that filters", async () => {
    writeFileSync(join(dir, "send.mjs"), atServer(atReceiver(snippets.get("sdk")!)));
    const send = run(process.execPath, [join(dir, "send.mjs")], env);
    expect(await send.exited, send.output()).toBe(0);
    expect(send.output()).toMatch(/^sent msg_/m);
    await receiver.waitFor('verified {"id":1}');
    // svix 2.x drops 1.x's `filterTypes`: the endpoint must really be subscribed to one type.
    const list = await fetch(`${server.url}/api/v1/app/acme/endpoint`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    const endpoints = ((await list.json()) as { data: { filterTypes: string[] | null }[] }).data;
    expect(endpoints.map((e) => e.filterTypes)).toEqual([["order.created"]]);
  });

  it("the signed inbound curl lines are accepted and relayed", async (ctx) => {
    if (spawnSync("which", ["curl"]).status !== 0) {
      ctx.skip("curl is not installed: the README's inbound curl step was not run");
      return;
    }
    const inbound = run("bash", ["-euo", "pipefail", "-c", atServer(snippets.get("inbound")!)], env);
    expect(await inbound.exited, inbound.output()).toBe(0);
    expect(inbound.output()).toContain('"provider":"careem"');
    expect(inbound.output()).toMatch(/\{"status":"accepted","id":"req_\w+","msgId":"msg_\w+"\}/);
    await receiver.waitFor(
      /verified \{"provider":"careem","providerEventType":"order.created"[^\n]*"orderNumber":"ORD-1"/,
    );
  });
});
