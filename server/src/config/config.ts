import { z } from "zod";

import { parseCidr } from "../lib/cidr.js";

/** Comma-separated list of whole seconds, e.g. "5,300,1800". */
const secondsList = z
  .string()
  .trim()
  .regex(/^\d+(\s*,\s*\d+)*$/, "expected comma-separated whole seconds, e.g. 5,300,1800")
  .transform((s) => s.split(",").map((v) => Number(v.trim())));

/** Comma-separated addresses or CIDR ranges, each checked here so a typo stops the start, not the first delivery. */
const cidrList = z
  .string()
  .trim()
  .transform((s) => (s === "" ? [] : s.split(",").map((v) => v.trim())))
  .superRefine((list, ctx) => {
    for (const entry of list) {
      if (parseCidr(entry) === undefined) {
        ctx.addIssue({ code: "custom", message: `"${entry}" is not an address or CIDR range (e.g. 10.0.0.0/8, fd00::/8)` });
      }
    }
  });

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * Every setting Hookrelay reads, with its default. Each key maps to `HOOKRELAY_<KEY>` in the
 * environment (PORT and DATABASE_URL are also read without the prefix). The README table is
 * generated from the same names.
 */
const schema = z.object({
  host: z.string().default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(8071),
  dataDir: z.string().default("./data"),
  databaseUrl: z.string().optional(),
  pgPoolSize: z.coerce.number().int().min(1).max(200).default(10),
  sqliteSynchronous: z.enum(["full", "normal"]).default("full"),
  /** How long a PostgreSQL query may wait for a connection before the API answers 503. */
  pgConnectTimeoutMs: z.coerce.number().int().min(100).default(2_000),
  /** PostgreSQL `statement_timeout` for every query but migrations; 0 = none. */
  pgStatementTimeoutMs: z.coerce.number().int().min(0).default(15_000),
  role: z.enum(["all", "api", "worker"]).default("all"),
  /** Worker-only processes (`role=worker`): serve `/api/v1/health` and `/metrics` on this port. Unset: no port. */
  workerPort: z.coerce.number().int().min(0).max(65535).optional(),
  adminToken: z.string().min(16).optional(),
  publicUrl: z.string().url().optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `json`: one pino JSON object a line (for collectors); `pretty`: readable lines for a terminal. */
  logFormat: z.enum(["json", "pretty"]).default("json"),
  /** Log every API request and its response (method, URL, status, time); authorization headers redacted. */
  logRequests: bool.default(false),
  bodyLimitBytes: z.coerce.number().int().min(1024).default(1024 * 1024),
  idempotencyTtlSeconds: z.coerce.number().int().min(1).default(12 * 3600),
  retrySchedule: secondsList.default([5, 300, 1800, 7200, 18000, 36000, 36000]),
  retryJitter: z.coerce.number().min(0).max(1).default(0.2),
  retryAfterMaxSeconds: z.coerce.number().int().min(1).default(3600),
  slowDownMinSeconds: z.coerce.number().int().min(0).default(30),
  deliveryTimeoutMs: z.coerce.number().int().min(100).default(15_000),
  responseBodyMaxBytes: z.coerce.number().int().min(0).default(64 * 1024),
  /** How long one transformation handler may run per delivery (checked between QuickJS bytecode steps; ADR 16). */
  transformationTimeLimitMs: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Memory one transformation handler may allocate; the worker's whole sandbox heap is 32 MiB + this (ADR 16). */
  transformationMemoryLimitBytes: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** Budget of each request the receiver grader sends (`POST …/endpoint/{id}/grade`, `hookrelay grade`). */
  gradeRequestTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /**
   * Budget of a whole grading run (9 requests); cases not sent by then fail as not run. The API
   * call waits for it in silence, so it stays under the default connectionTimeoutMs (60 s).
   */
  gradeTotalTimeoutMs: z.coerce.number().int().min(100).max(55_000).default(30_000),
  workerConcurrency: z.coerce.number().int().min(1).max(10_000).default(256),
  workerBatchSize: z.coerce.number().int().min(1).max(5_000).default(200),
  /** Committed messages the worker's fan-out claims per round (ADR 0022). */
  fanoutBatchSize: z.coerce.number().int().min(1).max(5_000).default(500),
  workerPollMs: z.coerce.number().int().min(5).default(250),
  leaseMarginMs: z.coerce.number().int().min(0).default(15_000),
  endpointDisableAfterSeconds: z.coerce.number().int().min(1).default(5 * 24 * 3600),
  /** Deliveries to one endpoint leased at once, across every worker (an endpoint's `maxInFlight` overrides it). */
  endpointMaxInFlight: z.coerce.number().int().min(1).max(10_000).default(64),
  /** Consecutive failed attempts that open an endpoint's circuit; 0 = never on a count. */
  circuitFailureThreshold: z.coerce.number().int().min(0).default(20),
  /** Failure rate (percent of attempts in the window) that opens the circuit; 0 = never on a rate. */
  circuitFailureRatePercent: z.coerce.number().min(0).max(100).default(80),
  /** The failure-rate window, and the attempts it must hold before the rate counts. */
  circuitWindowSeconds: z.coerce.number().int().min(1).default(60),
  circuitMinAttempts: z.coerce.number().int().min(1).default(20),
  /** Wait before the first probe of an open circuit; doubles after each failed probe, up to the max. */
  circuitCooldownSeconds: z.coerce.number().min(0.05).default(30),
  circuitMaxCooldownSeconds: z.coerce.number().min(0.05).default(900),
  secretGraceSeconds: z.coerce.number().int().min(0).default(24 * 3600),
  /** The kind of key a new endpoint gets when none is given (Svix's `default_signature_type`); ADR 19. */
  defaultSignatureAlgorithm: z.enum(["hmac-sha256", "ed25519"]).default("hmac-sha256"),
  /** Verification failures in a row from one inbound source that emit `inbound.source.failing` (operational webhooks). */
  inboundFailingThreshold: z.coerce.number().int().min(1).default(10),
  /** A failure this long after the previous one starts a new count (so a rare bad call never adds up). */
  inboundFailingWindowSeconds: z.coerce.number().int().min(1).default(3600),
  allowPrivateNetworks: cidrList.default([]),
  /** The data key that seals secrets at rest (ADR 5). Unset on SQLite: a key file in dataDir is used, created on first start. */
  secretKey: z.string().min(16).optional(),
  /** Comma-separated earlier data keys, kept for opening values until `hookrelay secrets rekey` re-sealed them. */
  secretKeyPrevious: z
    .string()
    .trim()
    .transform((s) => (s === "" ? [] : s.split(",").map((v) => v.trim())))
    .pipe(z.array(z.string().min(16, "each previous key must be at least 16 characters")))
    .default([]),
  /** A file holding the data key (first line) and earlier keys (following lines), instead of secretKey. */
  secretKeyFile: z.string().optional(),
  groupCommitMaxWaitMs: z.coerce.number().min(0).max(50).default(1),
  /**
   * Polling endpoints hand out only messages older than this: a message's id is made before its
   * transaction commits, so on PostgreSQL a later id can commit first; a reader that had moved
   * past it would skip the earlier one. Must exceed the longest message transaction.
   */
  pollerSafetyLagMs: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /**
   * A FIFO endpoint's delivery is sent only once it is this old, for the same reason: a later
   * message id can commit before an earlier one, which FIFO must not overtake (ADR 18).
   */
  fifoSafetyLagMs: z.coerce.number().int().min(0).max(600_000).default(1_000),
  groupCommitMaxBatch: z.coerce.number().int().min(1).default(500),
  /**
   * Message batches in flight at once (ADR 23). Unset: 1 on SQLite (one writer; a second batch
   * would only wait for the first) and 4 on PostgreSQL, where one commit at a time leaves the
   * pool idle while the API waits on a round trip.
   */
  groupCommitConcurrency: z.coerce.number().int().min(1).max(64).optional(),
  retentionDays: z.coerce.number().int().min(1).default(90),
  /** Days audit-log rows are kept; older ones are cut off by retention, the chain kept verifiable (ADR 6). */
  auditRetentionDays: z.coerce.number().int().min(1).default(365),
  /** How often the worker runs retention (attempts, finished deliveries, payloads, idempotency keys). */
  retentionIntervalSeconds: z.coerce.number().int().min(1).default(300),
  /** Rows deleted or updated per retention statement. */
  retentionBatchSize: z.coerce.number().int().min(1).max(50_000).default(2_000),
  /** Pause between two retention batches, so ingest and delivery writes go first. */
  retentionPauseMs: z.coerce.number().int().min(0).default(100),
  /**
   * Rows one background-task batch handles (recover, replays, purge): one short transaction each.
   * A live message queues behind at most about one batch of a replay; 50 kept its latency under
   * 100 ms (p50) in the bench where 200 let it reach 600 ms, for the same task duration.
   */
  taskBatchSize: z.coerce.number().int().min(1).max(10_000).default(50),
  /** Pause between two batches of a background task, so live deliveries and ingest keep the database. */
  taskPauseMs: z.coerce.number().int().min(0).default(20),
  /**
   * A task that queues deliveries (recover, replays) waits before its next batch while the oldest
   * due delivery has waited longer than this, so live messages never queue behind a whole task.
   */
  taskMaxLagMs: z.coerce.number().int().min(0).default(200),
  /** How long a worker holds a background task between two batches; a crashed worker's task is taken over after it. */
  taskLeaseMs: z.coerce.number().int().min(1_000).default(30_000),
  /** How often an idle worker looks for a background task started by another process. */
  taskPollMs: z.coerce.number().int().min(10).default(1_000),
  shutdownGraceMs: z.coerce.number().int().min(0).default(10_000),
  /** How often API-key usage (last used, request count) is written; usage is batched in memory in between. */
  tokenUsageFlushMs: z.coerce.number().int().min(100).default(5_000),
  /** How long a rotated key's previous secret keeps working when the rotation names no grace period. */
  keyRotationGraceSeconds: z.coerce.number().int().min(0).max(30 * 86400).default(24 * 3600),
  /** Time to receive a whole request (headers and body); slower senders get 408 and lose the socket. */
  requestTimeoutMs: z.coerce.number().int().min(1_000).default(30_000),
  /** Time to receive the request headers; at most requestTimeoutMs. */
  headersTimeoutMs: z.coerce.number().int().min(1_000).default(15_000),
  /** A socket with no traffic for this long is closed (Fastify connectionTimeout). */
  connectionTimeoutMs: z.coerce.number().int().min(1_000).default(60_000),
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: z.coerce.number().int().min(100).default(5_000),
  /** Open connections accepted at once by the API port; further connections are dropped. */
  maxConnections: z.coerce.number().int().min(1).default(10_000),
  metrics: bool.default(true),
  trustProxy: bool.default(false),
});

/** Settings that depend on each other, checked with the rest so a start fails before it creates anything. */
const checked = schema.superRefine((c, ctx) => {
  if (c.secretKey !== undefined && c.secretKeyFile !== undefined) {
    ctx.addIssue({ code: "custom", path: ["secretKeyFile"], message: "set HOOKRELAY_SECRET_KEY or HOOKRELAY_SECRET_KEY_FILE, not both" });
  }
  if (c.secretKey === undefined && c.secretKeyPrevious.length > 0) {
    ctx.addIssue({ code: "custom", path: ["secretKeyPrevious"], message: "is set without HOOKRELAY_SECRET_KEY" });
  }
});

/** Values never echoed in an error: they are secrets, or (a database URL) may carry one. */
const SECRET_KEYS: ReadonlySet<string> = new Set(["adminToken", "secretKey", "secretKeyPrevious", "databaseUrl"]);

/**
 * An invalid configuration: one line per problem, each naming the environment variable and,
 * unless it is a secret, the value given.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.map((p) => `invalid configuration: ${p}`).join("\n"));
    this.name = "ConfigError";
  }
}

export type Config = Readonly<z.output<typeof schema>>;
export type ConfigInput = z.input<typeof schema>;

/** The environment variable that sets a config key: `retrySchedule` → `HOOKRELAY_RETRY_SCHEDULE`. */
export function envName(key: string): string {
  return "HOOKRELAY_" + key.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
}

export const configKeys = Object.keys(schema.shape) as (keyof z.input<typeof schema>)[];

/**
 * Reads the config from the environment, overridden by `overrides` (used by tests and the CLI).
 * Throws a {@link ConfigError} naming the variable and the value for every invalid setting.
 *
 * @example loadConfig(process.env, { port: 0 })
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigInput = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const key of configKeys) {
    const value = env[envName(key)];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  if (raw.port === undefined && env.PORT) raw.port = env.PORT;
  if (raw.databaseUrl === undefined && env.DATABASE_URL) raw.databaseUrl = env.DATABASE_URL;
  const input: Record<string, unknown> = { ...raw, ...overrides };
  const parsed = checked.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? "?");
        const given = input[key];
        const shown = given === undefined || SECRET_KEYS.has(key) ? "" : `=${JSON.stringify(String(given))}`;
        return `${envName(key)}${shown}: ${i.message}`;
      }),
    );
  }
  return Object.freeze(parsed.data);
}
