import { readFileSync } from "node:fs";

import type { Command } from "commander";

import type { VerifyIn, VerifyOut } from "../contract/verify.js";
import { checkSignature } from "../lib/signature-check.js";
import { CLI_ACTOR } from "../services/principal.js";
import { withServices } from "./with-services.js";

interface VerifyOptions {
  secret?: string;
  publicKey?: string;
  app?: string;
  endpoint?: string;
  header: string[];
  body?: string;
  bodyFile?: string;
  tolerance: string;
  json?: boolean;
}

/**
 * `Name: value` as given to `--header`, or an error naming the bad option.
 *
 * @example parseHeader("webhook-id: msg_1") // ["webhook-id", "msg_1"]
 */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new Error(`--header expects "Name: value", got "${text}"`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/**
 * The verdict as a person reads it: the outcome and why, then what was found.
 *
 * @example process.stdout.write(formatReport(result));
 */
export function formatReport(r: VerifyOut): string {
  const lines = [`${r.valid ? "VALID" : "INVALID"} (${r.reason}): ${r.detail}`];
  if (r.headerFamily === "x-webhook") lines.push("headers:        X-Webhook-Signature (t=…,v1=…) / X-Webhook-ID");
  else if (r.headerFamily) lines.push(`headers:        ${r.headerFamily}-id / ${r.headerFamily}-timestamp / ${r.headerFamily}-signature`);
  if (r.msgId !== null) lines.push(`message id:     ${r.msgId}`);
  if (r.timestamp !== null) lines.push(`timestamp:      ${r.timestamp}${r.skewSeconds === null ? "" : ` (skew ${r.skewSeconds} s)`}`);
  for (const [i, s] of r.signatures.entries()) {
    const state = !s.wellFormed ? "malformed" : s.matchedKey ? `matches the ${s.matchedKey} key` : "matches no key";
    lines.push(`signature ${i + 1}:    ${s.version}, ${state}`);
  }
  if (r.signedContent !== null) lines.push(`signed content: ${JSON.stringify(r.signedContent)}`);
  return `${lines.join("\n")}\n`;
}

/** `hookrelay verify`: check a received webhook, as `POST /api/v1/verify` does, from a shell. */
export function registerVerifyCommand(program: Command): void {
  program
    .command("verify")
    .description("check a received webhook's signature (Standard Webhooks v1/v1a, or X-Webhook-Signature t=…,v1=…) and explain the verdict (exit 0 valid, 2 invalid)")
    .option("--secret <whsec>", "check with this whsec_ secret (no database needed)")
    .option("--public-key <whpk>", "check v1a (ed25519) signatures with this whpk_ public key")
    .option("--app <app>", "with --endpoint: the application (id or uid)")
    .option("--endpoint <endpoint>", "check with this endpoint's current and grace-period secrets (reads the database)")
    .option("-H, --header <header>", 'a received header, "Name: value" (repeat)', (v: string, all: string[]) => [...all, v], [])
    .option("--body <text>", "the raw body as received")
    .option("--body-file <path>", "read the raw body from a file (- for stdin)")
    .option("--tolerance <seconds>", "accepted timestamp skew", "300")
    .option("--json", "print the verdict as JSON")
    .action(async (opts: VerifyOptions) => {
      const input = inputOf(opts);
      const result =
        input.endpointId !== undefined
          ? await withServices(({ services }) => services.signatureVerify.verify(CLI_ACTOR, input))
          : checkSignature({
              headers: input.headers,
              body: input.body,
              keys: [input.secret !== undefined ? { label: "given secret", secret: input.secret } : { label: "given public key", publicKey: input.publicKey ?? "" }],
              toleranceSeconds: input.toleranceSeconds,
              now: Date.now(),
            });
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
      if (!result.valid) process.exitCode = 2;
    });
}

function inputOf(opts: VerifyOptions): VerifyIn {
  const given = [opts.secret, opts.publicKey, opts.endpoint].filter((v) => v !== undefined).length;
  if (given !== 1) throw new Error("give exactly one of --secret, --public-key or --endpoint (with --app)");
  if (opts.endpoint !== undefined && opts.app === undefined) throw new Error("--endpoint needs --app");
  if ((opts.body === undefined) === (opts.bodyFile === undefined)) throw new Error("give the body with --body or --body-file");
  const tolerance = Number(opts.tolerance);
  if (!Number.isInteger(tolerance) || tolerance < 1) throw new Error(`--tolerance expects whole seconds, got "${opts.tolerance}"`);
  const body = opts.body ?? readFileSync(opts.bodyFile === "-" ? 0 : (opts.bodyFile ?? ""), "utf8");
  return {
    ...(opts.secret !== undefined ? { secret: opts.secret } : {}),
    ...(opts.publicKey !== undefined ? { publicKey: opts.publicKey } : {}),
    ...(opts.endpoint !== undefined ? { endpointId: opts.endpoint, appId: opts.app } : {}),
    headers: Object.fromEntries(opts.header.map(parseHeader)),
    body,
    toleranceSeconds: tolerance,
  };
}
