import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort, readmeSnippets, rewrite, ROOT, type Run, run } from "../support/readme-snippets.js";
import { type ServerProcess, startServer } from "../support/server-process.js";

const README_SERVER = "http://127.0.0.1:8071";

/**
 * The README's "Signature schemes" section, run as written: its endpoint-creating shell lines and
 * its two receivers (node:crypto only). Only the addresses are rewritten, to free ports.
 */
describe.skipIf(spawnSync("which", ["curl"]).status !== 0)("the README's signature scheme snippets, as written", () => {
  const snippets = readmeSnippets();
  let server: ServerProcess;
  let dir: string;
  const receivers: Run[] = [];

  const shell = (name: string, port: number, readmePort: number, exports: string): string => {
    const code = rewrite(rewrite(snippets.get(name)!, README_SERVER, server.url), `127.0.0.1:${readmePort}`, `127.0.0.1:${port}`);
    return execFileSync("bash", ["-euo", "pipefail", "-c", `${code}\nprintf %s "$${exports}"`], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", HOOKRELAY_TOKEN: server.token },
    })
      .toString()
      .split("\n")
      .at(-1)!;
  };
  const startReceiver = async (name: string, readmePort: number, env: Record<string, string>): Promise<{ run: Run; port: number }> => {
    const port = await freePort();
    const file = join(dir, `${name}.mjs`);
    writeFileSync(file, rewrite(snippets.get(name)!, `listen(${readmePort},`, `listen(${port},`));
    const r = run(process.execPath, [file], env);
    receivers.push(r);
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "{}" }).catch(() => null))?.status === 400) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    return { run: r, port };
  };
  /** The endpoint the snippet created for `port` (the receiver was not up yet) now points at the receiver's. */
  const repoint = async (port: number, receiverPort: number): Promise<void> => {
    const headers = { authorization: `Bearer ${server.token}`, "content-type": "application/json" };
    const list = (await (await fetch(`${server.url}/api/v1/app/acme/endpoint`, { headers })).json()) as { data: { id: string; url: string }[] };
    const ep = list.data.find((e) => e.url.includes(`:${port}/`))!;
    const r = await fetch(`${server.url}/api/v1/app/acme/endpoint/${ep.id}`, { method: "PATCH", headers, body: JSON.stringify({ url: `http://127.0.0.1:${receiverPort}/` }) });
    expect(r.status).toBe(200);
  };
  const sendOrder = async (id: number) => {
    const r = await fetch(`${server.url}/api/v1/app/acme/msg`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ eventType: "order.created", payload: { id } }),
    });
    expect(r.status).toBe(202);
  };

  beforeAll(async () => {
    server = await startServer({});
    mkdirSync(join(ROOT, "tmp"), { recursive: true });
    dir = mkdtempSync(join(ROOT, "tmp", "readme-signing-"));
    const app = await fetch(`${server.url}/api/v1/app`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Acme", uid: "acme" }),
    });
    expect(app.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    for (const r of receivers) r.child.kill();
    await server?.stop();
    server?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the ed25519 receiver verifies a delivery with the public key the curl line printed", async () => {
    const port = await freePort();
    const publicKey = shell("signing-ed25519-endpoint", port, 3001, "WEBHOOK_PUBLIC_KEY");
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const receiver = await startReceiver("signing-ed25519-receiver", 3001, { WEBHOOK_PUBLIC_KEY: publicKey });
    await repoint(port, receiver.port);
    await sendOrder(1);
    await receiver.run.waitFor('verified {"id":1}');
    expect(receiver.run.output()).toMatch(/^rejected \{\}$/m); // the readiness probe, unsigned
  });

  it("the X-Webhook-Signature receiver verifies a delivery with the secret the curl lines read", async () => {
    const port = await freePort();
    const secret = shell("signing-x-webhook-endpoint", port, 3002, "WEBHOOK_SECRET");
    expect(secret).toMatch(/^whsec_/);
    const receiver = await startReceiver("signing-x-webhook-receiver", 3002, { WEBHOOK_SECRET: secret });
    await repoint(port, receiver.port);
    await sendOrder(2);
    await receiver.run.waitFor('verified order.created {"id":2}');
  });
});
