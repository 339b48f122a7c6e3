import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

import { afterEach, describe, expect, it } from "vitest";

import { generateSecret } from "../lib/standard-webhooks.js";
import {
  correctReceiver,
  type SampleReceiver,
  startSampleReceiver,
  timestampBlindReceiver,
  trustingReceiver,
} from "../test-support/sample-receivers.js";
import { runGrade } from "./grade.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const CLI = join(ROOT, "server/src/cli/hookrelay.ts");
const ALLOW = { HOOKRELAY_ALLOW_PRIVATE_NETWORKS: "127.0.0.0/8" };

describe("hookrelay grade", () => {
  const receivers: SampleReceiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  const receiver = async (handler: Parameters<typeof startSampleReceiver>[0]) => {
    const r = await startSampleReceiver(handler);
    receivers.push(r);
    return r;
  };

  async function grade(url: string, options: Parameters<typeof runGrade>[1], env: NodeJS.ProcessEnv = ALLOW) {
    let text = "";
    const code = await runGrade(url, options, env, (s) => (text += s));
    return { code, text };
  }

  it("prints a report card: 9/9 and exit 0 for a correct receiver, the misses and their fixes otherwise", async () => {
    const secret = generateSecret();
    const good = await grade((await receiver(correctReceiver(secret))).url, { secret });
    expect(good.code).toBe(0);
    expect(good.text).toMatch(/: 9\/9 \(100 %\)/);
    expect(good.text).not.toMatch(/MISS|How to fix/);

    const partial = await grade((await receiver(timestampBlindReceiver(secret))).url, { secret });
    expect(partial.code).toBe(1);
    expect(partial.text).toMatch(/7\/9 \(78 %\)/);
    expect(partial.text).toMatch(/MISS\s+Timestamp 10 minutes old\s+expected 4xx, got 200/);
    expect(partial.text).toMatch(/How to fix:[\s\S]*more than 5 minutes/);

    const json = await grade((await receiver(trustingReceiver)).url, { secret, json: true });
    expect(JSON.parse(json.text)).toMatchObject({ passed: 3, total: 9, percent: 33 });
  });

  it("without --secret prints a new secret to configure and sends nothing", async () => {
    const r = await receiver(trustingReceiver);
    const { code, text } = await grade(r.url, {});
    expect(code).toBe(0);
    expect(text).toMatch(/--secret whsec_[A-Za-z0-9+/=]{32}/);
    expect(r.requests).toBe(0);
  });

  it("passes --header to every request", async () => {
    const secret = generateSecret();
    const verify = correctReceiver(secret);
    const r = await receiver((headers, body) =>
      headers["x-api-key"] === "k1" ? verify(headers, body) : 401,
    );
    expect((await grade(r.url, { secret, header: ["X-Api-Key: k1"] })).code).toBe(0);
  });

  it("refuses a private address unless HOOKRELAY_ALLOW_PRIVATE_NETWORKS allows it (the real command)", async () => {
    const r = await receiver(trustingReceiver);
    const run = async (env: Record<string, string>) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(
          process.execPath,
          ["--import", "tsx", CLI, "grade", r.url, "--secret", generateSecret()],
          {
            cwd: ROOT,
            env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
          },
        );
        return { code: 0, out: stdout + stderr };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, out: e.stdout + e.stderr };
      }
    };
    const refused = await run({});
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/refusing to connect to 127\.0\.0\.1.*HOOKRELAY_ALLOW_PRIVATE_NETWORKS/);
    expect(r.requests).toBe(0);

    const allowed = await run(ALLOW);
    expect(allowed.code).toBe(1);
    expect(allowed.out).toMatch(/3\/9 \(33 %\)[\s\S]*MISS\s+Signature from another key/);
    expect(r.requests).toBe(9);
  }, 30_000);
});
