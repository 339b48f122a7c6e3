/**
 * `npm run bench [-- --store sqlite|postgres] [--seconds 10] [--connections 64] [--phase …]
 * [--generator wrk|autocannon] [--no-write]`
 *
 * Every server runs in its own process (bench/processes.ts): a bare node:http server (JSON parse
 * + 202), the real Hookrelay server, and a loopback receiver. The HTTP load comes from
 * bench/load.ts: wrk in its own process (1 thread, `--connections` connections) when it is on
 * PATH, else autocannon inside the bench process, whose CPU share (a fraction of one core) is
 * then measured and printed, since on a 2-core machine it is taken from the servers.
 * `--generator` forces one. The report's heading names the generator.
 *
 * Outbound (bench/outbound-phase.ts): ingest throughput and its ratio to the bare server, p50/p99
 * latency, the same with an Idempotency-Key on every request (as the official SDKs send; with
 * wrk a Lua request() per request, slower for wrk), end-to-end deliveries/s and its ratio to a
 * raw undici POST loop to the same receiver, run in its own process as the worker is
 * (bench/undici-loop.mjs, 256 in flight = the worker's default concurrency), and peak RSS. Then
 * verified inbound webhook throughput (bench/inbound-phase.ts: Careem-signed, distinct orders,
 * still autocannon for its per-request signing) and its ratio to the bare server. The figures are
 * appended to bench/RESULTS.md with the date and machine.
 *
 * With `--store postgres` (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) each
 * run gets a fresh schema, dropped at the end, and adds the two-instance figures
 * (bench/two-instance.ts): two API processes sharing the load, two workers draining one backlog,
 * each as a ratio to one, and the two-instance delivery run (bench/multi-instance.ts,
 * `--multi-messages`, default 20,000 messages × 5 endpoints).
 *
 * `--phase ingest` runs only the yardstick and message create (no Idempotency-Key), for a quick
 * before/after of a change on that path (about 2 × --seconds, printed as JSON, nothing appended).
 * `--phase delivery` runs only message create, then one worker draining the backlog.
 * `BENCH_NODE_OPTIONS` is handed to the Hookrelay processes as NODE_OPTIONS (say
 * `--max-semi-space-size=2`, to see what V8's young generation adds to the worker's RSS).
 * `--phase outbound` runs the outbound steps (and on PostgreSQL the two-instance ones) and
 * appends them, without the phases after (inbound, audit, tasks …).
 *
 * The further phases, each on a store of its own; `--phase <name>` runs only that one:
 * - audit (bench/audit-phase.ts): management writes with audit (a few seconds, not appended).
 * - tasks (bench/tasks-phase.ts): a recover of `--task-messages` (50,000) failed messages, the
 *   server SIGKILLed mid-task and restarted; time to finish, duplicates, live delivery latency
 *   meanwhile (appended unless `--no-write`).
 * - isolation (bench/isolation-phase.ts): 600 deliveries to an endpoint that never answers, then
 *   200 to a healthy endpoint of another application; the time until all 200 arrived (under
 *   10 s; not appended). `--isolation-cap N` sets HOOKRELAY_ENDPOINT_MAX_IN_FLIGHT (10000 shows
 *   the uncapped behaviour, about 30 s).
 * - transform (bench/transform-phase.ts): `--transform-messages` (5,000) deliveries to one
 *   endpoint, plain, then with a trivial transformation (not appended).
 * - filter (bench/filter-phase.ts): message create and delivery for plain endpoints next to ones
 *   with a matching content filter, `--filter-pairs` (2) alternating (appended unless `--no-write`).
 * - fanout (bench/fanout-phase.ts, ADR 0022): create p50 with 1 vs `--fanout-endpoints` (10,000)
 *   endpoints, and the time to expand one message to all of them; printed as JSON only.
 * - backlog (bench/backlog-phase.ts, `--phase backlog` only, not in the full run): RSS of the API
 *   and worker processes with `--backlog-deliveries` (1,000,000) pending deliveries (a tenth as
 *   messages to 10 endpoints), the worker's expansion time, and deliveries/s over
 *   `--backlog-window` (20) seconds after it; printed as JSON, appended unless `--no-write`. A
 *   1 M run on SQLite took 2.5 minutes on the 2-core machine (PostgreSQL expands more slowly;
 *   the expansion is cut off at 5 minutes); use 50000 while developing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { createPgSchema, type PgSchema } from "../server/src/test-support/postgres.js";
import { auditPhase, auditReportLines } from "./audit-phase.js";
import { backlogPhase } from "./backlog-phase.js";
import { fanoutPhase } from "./fanout-phase.js";
import { filterPhase } from "./filter-phase.js";
import { inboundPhase } from "./inbound-phase.js";
import { isolationPhase, isolationReportLines } from "./isolation-phase.js";
import { pickGenerator } from "./load.js";
import { multiInstancePhase } from "./multi-instance.js";
import { deliveryOnly, outboundPhase } from "./outbound-phase.js";
import {
  DEFAULT_DATABASE_URL,
  type FreshStore,
  freshStore,
  PG_SECRET_KEY,
  ROOT,
  startHookrelay,
  startReceiver,
  stop,
  TOKEN,
} from "./processes.js";
import { report } from "./report.js";
import { tasksPhase } from "./tasks-phase.js";
import { transformPhase, transformReportLines } from "./transform-phase.js";
import { twoInstancePhase } from "./two-instance.js";

const { values: args } = parseArgs({
  options: {
    store: { type: "string", default: "sqlite" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
    generator: { type: "string" },
    "multi-messages": { type: "string", default: "20000" },
    "no-write": { type: "boolean", default: false },
    phase: { type: "string", default: "all" },
    "task-messages": { type: "string", default: "50000" },
    "task-batch": { type: "string", default: "50" },
    "isolation-cap": { type: "string" },
    "filter-pairs": { type: "string", default: "2" },
    "isolation-hanging": { type: "string", default: "600" },
    "isolation-healthy": { type: "string", default: "200" },
    "transform-messages": { type: "string", default: "5000" },
    "fanout-endpoints": { type: "string", default: "10000" },
    "fanout-samples": { type: "string", default: "200" },
    "backlog-deliveries": { type: "string", default: "1000000" },
    "backlog-window": { type: "string", default: "20" },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const GENERATOR = pickGenerator(args.generator);
const PAYLOAD = {
  id: "ord_1",
  customer: { name: "A. Customer", email: "a@example.com" },
  note: "x".repeat(860),
};
const BODY = JSON.stringify({ eventType: "order.created", payload: PAYLOAD });
const RUN = { store: args.store, seconds: SECONDS, connections: CONNECTIONS, write: !args["no-write"] };

/** PostgreSQL: a fresh schema per run (created in main, dropped at the end), so runs never mix. */
let pgSchema: PgSchema | undefined;

function storeEnv(dataDir: string): Record<string, string> {
  if (args.store === "postgres") {
    if (!pgSchema) throw new Error("the PostgreSQL schema is created in main()");
    return { DATABASE_URL: pgSchema.url, HOOKRELAY_SECRET_KEY: PG_SECRET_KEY };
  }
  return { HOOKRELAY_DATA_DIR: dataDir };
}

/** Runs `phase` on a store of its own, dropped after it. */
async function withStore<T>(name: string, phase: (store: FreshStore) => Promise<T>): Promise<T> {
  const store = await freshStore(args.store, name);
  try {
    return await phase(store);
  } finally {
    await store.drop();
  }
}

/** Whether server/dist/main.js is missing or older than some file under server/src. */
function distIsStale(): boolean {
  const built = join(ROOT, "server/dist/main.js");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory()
        ? newer(join(dir, e.name))
        : e.name.endsWith(".ts") && statSync(join(dir, e.name)).mtimeMs > builtAt,
    );
  return newer(join(ROOT, "server/src"));
}

const print = (lines: string[]): boolean => process.stdout.write(`${lines.join("\n")}\n`);
const common = { start: startHookrelay, stop, token: TOKEN };

// The tasks phase's servers need their own store: it creates an application with a fixed uid.
const tasks = () =>
  withStore("tasks", (s) =>
    tasksPhase({
      messages: Number(args["task-messages"]),
      databaseUrl: s.databaseUrl,
      batchSize: Number(args["task-batch"]),
    }),
  );
// A store of its own: the phases before leave deliveries to unreachable example.com endpoints.
const isolation = () =>
  withStore("isolation", (s) =>
    isolationPhase({
      ...common,
      env: s.env,
      hanging: Number(args["isolation-hanging"]),
      healthy: Number(args["isolation-healthy"]),
      cap: args["isolation-cap"] === undefined ? undefined : Number(args["isolation-cap"]),
    }),
  );
// A store of its own, like isolation's: plain and transformed deliveries in the same run.
const transform = () =>
  withStore("transform", (s) =>
    transformPhase({ ...common, env: s.env, messages: Number(args["transform-messages"]) }),
  );
const fanout = () =>
  withStore("fanout", (store) =>
    fanoutPhase({
      ...common,
      store,
      endpoints: Number(args["fanout-endpoints"]),
      samples: Number(args["fanout-samples"]),
    }),
  );
const backlog = () =>
  withStore("backlog", (store) =>
    backlogPhase({
      ...common,
      store,
      body: BODY,
      deliveries: Number(args["backlog-deliveries"]),
      windowSeconds: Number(args["backlog-window"]),
    }),
  );
const filter = async () => {
  const receiver = await startReceiver();
  try {
    return await filterPhase({
      ...common,
      freshStore: () => freshStore(args.store, "filter"),
      receiver,
      seconds: SECONDS,
      connections: CONNECTIONS,
      body: BODY,
      pairs: Number(args["filter-pairs"]),
    });
  } finally {
    receiver.child.kill();
  }
};

/** The phases that run alone and print their own figures. */
const SINGLE: Record<string, () => Promise<unknown>> = {
  transform: async () => print(transformReportLines(await transform())),
  // Fan-out in the worker (ADR 0022): printed, not appended to RESULTS.md.
  fanout: async () => print([JSON.stringify(await fanout())]),
  backlog: async () => {
    const figures = await backlog();
    print([JSON.stringify(figures)]);
    report({ ...figures, only: "backlog" }, RUN);
  },
  filter: async () => report({ ...(await filter()), only: "filter" }, RUN),
  tasks: async () => report({ ...(await tasks()), only: "tasks" }, RUN),
  audit: async () =>
    print(
      auditReportLines(
        await withStore("audit", (s) =>
          auditPhase({ ...common, env: s.env, seconds: SECONDS, connections: CONNECTIONS }),
        ),
      ),
    ),
  isolation: async () => print(isolationReportLines(await isolation())),
};

async function main(): Promise<void> {
  // The phases run the compiled server: a dist older than any source file (after a pull or a
  // merge) would measure old code, so it is rebuilt first.
  if (distIsStale()) {
    execFileSync("npm", ["run", "build", "-w", "server"], { cwd: ROOT, stdio: "inherit" });
  }
  const dataDir = mkdtempSync(join(tmpdir(), "hookrelay-bench-"));
  const results: Record<string, number | string> = {};
  if (args.store === "postgres")
    pgSchema = await createPgSchema(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  try {
    const single = SINGLE[args.phase];
    if (single) return void (await single());
    const receiver = await startReceiver();
    const outbound = {
      env: storeEnv(dataDir),
      receiver,
      generator: GENERATOR,
      body: BODY,
      seconds: SECONDS,
      connections: CONNECTIONS,
    };
    try {
      if (args.phase === "delivery") return void print(await deliveryOnly(outbound));
      Object.assign(results, await outboundPhase(outbound, args.phase === "ingest"));
      if (args.phase === "ingest") return void print([JSON.stringify(results)]);
      if (args.store === "postgres") {
        const singleInstance = {
          ingestRps: Number(results.ingestRps),
          deliveryRps: Number(results.deliveryRps),
        };
        Object.assign(results, await twoInstancePhase({ ...common, ...outbound, single: singleInstance }));
      }
    } finally {
      receiver.child.kill();
    }
    // Issue 13's figures without the other phases: appended like the full run.
    if (args.phase === "outbound") return void report(results, RUN);
    Object.assign(
      results,
      await inboundPhase({ ...common, env: storeEnv(dataDir), seconds: SECONDS, connections: CONNECTIONS }),
    );
    if (args.store === "postgres") {
      const schema = await createPgSchema(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
      try {
        Object.assign(results, await multiInstancePhase(schema, Number(args["multi-messages"])));
      } finally {
        await schema.drop();
      }
    }
    // Management writes, each with its audit row on the one hash chain.
    Object.assign(
      results,
      await auditPhase({ ...common, env: storeEnv(dataDir), seconds: SECONDS, connections: CONNECTIONS }),
    );
    // A big background task, SIGKILLed mid-way: finish time, duplicates, live latency.
    Object.assign(results, await tasks());
    // Isolation: a hanging endpoint's backlog must not hold up a healthy one.
    Object.assign(results, await isolation());
    // Delivery with a trivial transformation next to plain delivery (ADR 16).
    Object.assign(results, await transform());
    // Content filters: create and delivery with a filter on each endpoint, next to plain.
    Object.assign(results, await filter());
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await pgSchema?.drop();
  }
  report(results, RUN);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
