/**
 * The bench's HTTP load: POSTs one fixed body with fixed headers at `connections` connections for
 * `seconds` seconds. wrk runs in its own process (so the load generator does not share the bench
 * process's event loop, and its C loop costs far less CPU than autocannon's on a 2-core machine);
 * autocannon, inside this process, is the fallback when wrk is not installed, and then its own
 * CPU use is measured so a report can say what it took from the servers.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import autocannon from "autocannon";

export type Generator = "wrk" | "autocannon";

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
  /** A fresh `idempotency-key` on every request, as the official SDKs send. */
  idempotencyKeys?: boolean;
}

export interface LoadResult {
  /** Responses with a 2xx status. */
  requests: number;
  /** Responses with another status, plus socket errors and timeouts. */
  non2xx: number;
  /** All responses per second of the run. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  generator: Generator;
  /** autocannon only: CPU the bench process used during the run, as a fraction of one core. */
  generatorCpu?: number;
}

/** `forced` (the `--generator` option) wins; otherwise wrk when it is on PATH. */
export function pickGenerator(forced: string | undefined): Generator {
  if (forced === "wrk" || forced === "autocannon") return forced;
  if (forced !== undefined) throw new Error(`--generator must be wrk or autocannon, not ${forced}`);
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return "wrk";
  } catch (error) {
    // wrk --version exits 1 after printing its version; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "autocannon" : "wrk";
  }
}

export function load(generator: Generator, options: LoadOptions): Promise<LoadResult> {
  return generator === "wrk" ? loadWithWrk(options) : loadWithAutocannon(options);
}

async function loadWithAutocannon(o: LoadOptions): Promise<LoadResult> {
  const headers = { "content-type": "application/json", ...o.headers };
  let key = 0;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const run = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    requests: [
      {
        method: "POST",
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          body: o.body,
          headers: o.idempotencyKeys
            ? { ...headers, "idempotency-key": `bench-${process.pid}-${Date.now()}-${key++}` }
            : headers,
        }),
      },
    ],
  });
  const cpu = process.cpuUsage(cpuBefore);
  const wallUs = (performance.now() - startedAt) * 1000;
  return {
    requests: run["2xx"],
    non2xx: run.non2xx + run.errors + run.timeouts,
    rps: run.requests.average,
    p50Ms: run.latency.p50,
    p99Ms: run.latency.p99,
    generator: "autocannon",
    // With two runs at once in this process (the two-instance ingest) each reports the total.
    generatorCpu: Number(((cpu.user + cpu.system) / wallUs).toFixed(2)),
  };
}

/** A Lua string literal for any bytes: printable ASCII as is, everything else as `\ddd`. */
function luaString(text: string): string {
  let out = '"';
  for (const byte of Buffer.from(text, "utf8")) {
    const printable = byte >= 0x20 && byte <= 0x7e && byte !== 0x22 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, "0")}`;
  }
  return `${out}"`;
}

function wrkScript(o: LoadOptions): string {
  const headers = { "content-type": "application/json", ...o.headers };
  const lines = [
    'wrk.method = "POST"',
    `wrk.body = ${luaString(o.body)}`,
    ...Object.entries(headers).map(
      ([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`,
    ),
  ];
  if (o.idempotencyKeys) {
    // A request() function makes wrk build every request in Lua instead of sending one
    // pre-formatted buffer: measurably slower for wrk, still far cheaper than autocannon's
    // setupRequest. The counter is per wrk thread; the bench runs one (-t1).
    lines.push(
      `local prefix = ${luaString(`bench-${process.pid}-${Date.now()}-`)}`,
      "local n = 0",
      "request = function()",
      "  n = n + 1",
      '  wrk.headers["idempotency-key"] = prefix .. n',
      "  return wrk.format()",
      "end",
    );
  }
  return `${lines.join("\n")}\n`;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function durationMs(text: string): number {
  const m = text.match(/^([\d.]+)(us|ms|s|m|h)$/);
  if (!m) throw new Error(`wrk: cannot read the duration ${text}`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** What the bench needs from wrk's report (with --latency); throws when a line is missing. */
export function parseWrk(out: string): Omit<LoadResult, "generator"> {
  const need = (re: RegExp, what: string): RegExpMatchArray => {
    const m = out.match(re);
    if (!m) throw new Error(`wrk printed no ${what}:\n${out}`);
    return m;
  };
  const total = Number(need(/^\s*(\d+) requests in /m, "request count")[1]);
  // wrk counts statuses above 399 here (3xx pass as successes; the bench's routes send none).
  const refused = Number(out.match(/Non-2xx or 3xx responses:\s*(\d+)/)?.[1] ?? 0);
  const socket = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const socketErrors = socket ? socket.slice(1, 5).reduce((n, x) => n + Number(x), 0) : 0;
  const percentile = (p: string): number =>
    Number(durationMs(need(new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m"), `${p}% latency`)[1]!).toFixed(2));
  return {
    requests: total - refused,
    non2xx: refused + socketErrors,
    rps: Number(need(/Requests\/sec:\s*([\d.]+)/, "Requests/sec")[1]),
    p50Ms: percentile("50"),
    p99Ms: percentile("99"),
  };
}

async function loadWithWrk(o: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "hookrelay-wrk-"));
  try {
    const script = join(dir, "post.lua");
    writeFileSync(script, wrkScript(o));
    const args = ["-t1", `-c${o.connections}`, `-d${o.seconds}s`, "--latency", "-s", script, o.url];
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", resolve);
    });
    if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`);
    return { ...parseWrk(out), generator: "wrk" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
