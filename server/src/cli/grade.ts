import type { Command } from "commander";

import { loadConfig } from "../config/config.js";
import { createGradeSender, MAX_GRADE_REQUESTS } from "../delivery/receiver-grader.js";
import type { GradeReport } from "../lib/receiver-grade.js";
import { generateSecret, parseSecret, withSecretPrefix } from "../lib/standard-webhooks.js";

export interface GradeOptions {
  secret?: string;
  header?: string[];
  json?: boolean;
}

/**
 * `hookrelay grade URL`: without `--secret`, prints a new secret to configure the receiver with
 * and sends nothing (a run against a receiver that does not know the secret would only say so);
 * with it, sends the cases through the SSRF guard (HOOKRELAY_ALLOW_PRIVATE_NETWORKS, the
 * HOOKRELAY_GRADE_* bounds) and prints the report card. Resolves with the exit code: 0 when every
 * case passed, 1 otherwise. No database is opened: nothing is sent on a tenant's behalf.
 *
 * @example const code = await runGrade("https://example.com/hook", { secret: "whsec_…" }, process.env, (s) => process.stdout.write(s));
 */
export async function runGrade(
  url: string,
  options: GradeOptions,
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
): Promise<number> {
  if (!/^https?:\/\//.test(url)) throw new Error(`grade: expected an http(s) URL, got ${url}`);
  if (options.secret === undefined) {
    const secret = generateSecret();
    out(
      `No --secret given. Configure the receiver at ${url} to verify with this new signing secret:\n\n` +
        `    ${secret}\n\nthen grade it:\n\n    hookrelay grade ${url} --secret ${secret}\n`,
    );
    return 0;
  }
  if (!parseSecret(options.secret).ok)
    throw new Error("--secret: expected a whsec_… secret (base64 after the prefix)");
  const config = loadConfig(env);
  const sender = createGradeSender({
    allowCidrs: config.allowPrivateNetworks,
    requestTimeoutMs: config.gradeRequestTimeoutMs,
    totalTimeoutMs: config.gradeTotalTimeoutMs,
  });
  try {
    const report = await sender.grade({
      url,
      secret: withSecretPrefix(options.secret),
      headers: parseHeaders(options.header ?? []),
    });
    out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatGradeReport(report));
    return report.passed === report.total ? 0 : 1;
  } finally {
    await sender.close();
  }
}

/** `Name: value` pairs from repeated `--header` options. */
function parseHeaders(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(":");
    if (colon <= 0) throw new Error(`--header: expected "Name: value", got ${value}`);
    headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * The report card as plain text: the score, one line per case, then the fix for each miss.
 *
 * @example process.stdout.write(formatGradeReport(report)) // "Receiver grade for https://…: 7/9 (78 %)\n …"
 */
export function formatGradeReport(report: GradeReport): string {
  const lines = [
    `Receiver grade for ${report.url}: ${report.passed}/${report.total} (${report.percent} %)`,
    "",
  ];
  const width = Math.max(...report.cases.map((c) => c.title.length));
  for (const c of report.cases) {
    const status = c.status === null ? c.observed : `${c.status}`;
    lines.push(
      `  ${c.passed ? "PASS" : "MISS"}  ${c.title.padEnd(width)}  expected ${c.expect === "accept" ? "2xx" : "4xx"}, got ${status}`,
    );
  }
  if (report.caveat) lines.push("", `Note: ${report.caveat}`);
  const missed = report.cases.filter((c) => !c.passed);
  if (missed.length > 0) lines.push("", "How to fix:");
  for (const c of missed) lines.push("", `  ${c.title}: ${c.note}`, `    ${c.fix}`);
  return `${lines.join("\n")}\n`;
}

/** Registers `hookrelay grade`. */
export function registerGradeCommand(program: Command): void {
  program
    .command("grade")
    .description(
      `send a receiver ${MAX_GRADE_REQUESTS} Standard Webhooks test deliveries and grade its answers`,
    )
    .argument("<url>", "the receiver's URL")
    .option(
      "--secret <whsec>",
      "the signing secret the receiver verifies with (without it, one is generated and printed)",
    )
    .option(
      "--header <header>",
      'a header to add to every request, "Name: value" (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option("--json", "print the report as JSON")
    .action(async (url: string, opts: GradeOptions) => {
      process.exitCode = await runGrade(url, opts, process.env, (text) => process.stdout.write(text));
    });
}
