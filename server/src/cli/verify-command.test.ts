import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadConfig } from "../config/config.js";
import { openServices } from "../main.js";
import { CLI_ACTOR } from "../services/principal.js";
import { hookrelay } from "../test-support/cli.js";
import { parseHeader } from "./verify-command.js";


const BODY = '{"type":"invoice.paid"}';

const signed = (secret: string, body = BODY) => {
  const now = new Date();
  return [
    "-H", "webhook-id: msg_cli",
    "-H", `webhook-timestamp: ${Math.floor(now.getTime() / 1000)}`,
    "-H", `webhook-signature: ${new Webhook(secret).sign("msg_cli", now, body)}`,
  ];
};

describe("hookrelay verify", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "hookrelay-verify-cli-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("reads headers as Name: value", () => {
    expect(parseHeader("Webhook-Id:  msg_1 ")).toEqual(["Webhook-Id", "msg_1"]);
    expect(() => parseHeader("no colon")).toThrow(/--header/);
  });

  it("checks with a given secret: exit 0 and the matching key when valid, exit 2 and why when not", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ok = await hookrelay(dataDir, "verify", "--secret", secret, ...signed(secret), "--body", BODY);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/^VALID \(ok\)/);
    expect(ok.out).toContain("v1, matches the given secret key");
    const bad = await hookrelay(dataDir, "verify", "--secret", secret, ...signed(secret), "--body", `${BODY} `);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/^INVALID \(no_match\)/);
    const json = await hookrelay(dataDir, "verify", "--json", "--secret", secret, "--body", BODY);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.out)).toMatchObject({ valid: false, reason: "missing_headers" });
    const usage = await hookrelay(dataDir, "verify", "--body", BODY);
    expect(usage.code).toBe(1);
    expect(usage.out).toContain("exactly one of --secret, --public-key or --endpoint");
  });

  it("checks with an endpoint's secrets read from the database", async () => {
    const opened = await openServices(loadConfig({}, { dataDir, logLevel: "silent" }), { warn: () => undefined, crossProcessWakeup: false });
    let secret: string;
    try {
      const { services } = opened;
      await services.applications.create(CLI_ACTOR, { name: "Cli", uid: "cli-app" });
      const ep = await services.endpoints.create(CLI_ACTOR, "cli-app", { url: "https://example.com/hook", uid: "cli-ep" });
      secret = (await services.endpoints.getSecret(CLI_ACTOR, "cli-app", ep.id)).key;
    } finally {
      await opened.close();
    }
    const ok = await hookrelay(dataDir, "verify", "--app", "cli-app", "--endpoint", "cli-ep", ...signed(secret), "--body", BODY);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain("matches the current key");
  });

  it("checks seed 003's X-Webhook-Signature (t=…,v1=<hex>) with a given secret", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const t = Math.floor(Date.now() / 1000);
    const hex = createHmac("sha256", secret).update(`${t}.${BODY}`).digest("hex");
    const headers = ["-H", `X-Webhook-Signature: t=${t},v1=${hex}`, "-H", "X-Webhook-ID: msg_cli", "-H", "X-Webhook-Event: invoice.paid"];
    const ok = await hookrelay(dataDir, "verify", "--secret", secret, ...headers, "--body", BODY);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain("v1, matches the given secret key");
    expect(ok.out).toContain(`signed content: ${JSON.stringify(`${t}.${BODY}`)}`);
    const bad = await hookrelay(dataDir, "verify", "--secret", secret, ...headers, "--body", `${BODY} `);
    expect(bad.code).toBe(2);
  });
});
