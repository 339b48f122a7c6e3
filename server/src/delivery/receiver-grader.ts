import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";

import { newId } from "../lib/ids.js";
import {
  GRADE_CASES,
  GRADE_TIMESTAMP_OFFSET_SECONDS,
  type GradeCaseId,
  type GradeReport,
  type GradeResponse,
  judgeCase,
  summarize,
} from "../lib/receiver-grade.js";
import { generateSecret } from "../lib/standard-webhooks.js";
import { createAddressPolicy } from "./address-policy.js";
import { buildDeliveryHeaders } from "./attempt.js";
import { DeliveryClient, isSsrfError, type Resolver } from "./http-client.js";

/** Who to grade, with what secret, within which bounds. */
export interface GradeTarget {
  url: string;
  /** The secret the receiver verifies with (`whsec_…`). */
  secret: string;
  /** The endpoint's custom headers (e.g. its own authorization), added as deliveries add them. */
  headers?: Record<string, string>;
  /** Budget of each request; a receiver slower than this fails that case. */
  requestTimeoutMs: number;
  /** Budget of the whole run; cases not sent by then fail as "not_run". */
  totalTimeoutMs: number;
  /** Response bytes read (and dropped): the grade needs only the status. */
  maxResponseBytes?: number;
}

/** One request of the run: the headers and body sent for a case. */
export interface GradeRequest {
  id: GradeCaseId;
  headers: Record<string, string>;
  body: string;
}

/** One request per case and no more: the grader never sends more than this to a receiver. */
export const MAX_GRADE_REQUESTS = GRADE_CASES.length;

/**
 * The request of every case, in catalogue order, signed at `nowMs`. The replay is the valid
 * request again, byte for byte; every other case has its own `webhook-id`, so a receiver that
 * de-duplicates cannot pass a refusal case by having seen the id before.
 *
 * @example buildGradeRequests("whsec_…", Date.now()).map((r) => r.id) // ["valid", "replayed_id", …]
 */
export function buildGradeRequests(
  secret: string,
  nowMs: number,
  custom?: Record<string, string>,
): GradeRequest[] {
  const now = Math.floor(nowMs / 1000);
  const signed = (
    id: GradeCaseId,
    opts: { at?: number; signWith?: string[]; signBody?: string } = {},
  ): GradeRequest => {
    const msgId = newId("msg");
    const body = gradeBody(id, msgId, nowMs);
    const at = opts.at ?? now;
    const headers = buildDeliveryHeaders({
      msgId,
      timestampSeconds: at,
      body: opts.signBody ?? body,
      secrets: opts.signWith ?? [secret],
      custom,
    });
    return { id, headers, body };
  };
  const valid = signed("valid");
  const withSignature = (request: GradeRequest, signature: string): GradeRequest => ({
    ...request,
    headers: { ...request.headers, "webhook-signature": signature, "svix-signature": signature },
  });
  const v1a = withSignature(signed("v1a_only"), `v1a,${randomBytes(64).toString("base64")}`);
  const missing = signed("missing_headers");
  const bare = Object.fromEntries(
    Object.entries(missing.headers).filter(([name]) => !/^(webhook|svix)-/.test(name)),
  );
  return [
    valid,
    { ...valid, id: "replayed_id" },
    // The unknown key first: a receiver that checks only the first entry fails this case.
    signed("rotated_keys", { signWith: [generateSecret(), secret] }),
    signed("bad_signature", { signWith: [generateSecret()] }),
    signed("wrong_body", { signBody: gradeBody("wrong_body", "msg_other", nowMs, 1) }),
    signed("stale_timestamp", { at: now - GRADE_TIMESTAMP_OFFSET_SECONDS }),
    signed("future_timestamp", { at: now + GRADE_TIMESTAMP_OFFSET_SECONDS }),
    { ...missing, headers: bare },
    v1a,
  ];
}

/**
 * Sends every case to the receiver, one after the other (the replay must follow the valid
 * delivery), through the SSRF-guarded client, and grades the answers. Never more than
 * {@link MAX_GRADE_REQUESTS} requests, each within `requestTimeoutMs`, all within
 * `totalTimeoutMs`. Rejects with the SSRF refusal (code ESSRF) when the first request's address
 * is not allowed, so nothing was sent; any other failure is a graded case.
 *
 * @example
 * const report = await gradeReceiver(client, { url, secret, requestTimeoutMs: 5000, totalTimeoutMs: 30000 });
 * report.percent // 100
 */
export async function gradeReceiver(
  client: Pick<DeliveryClient, "send">,
  target: GradeTarget,
): Promise<GradeReport> {
  const startedAt = Date.now();
  const deadline = performance.now() + target.totalTimeoutMs;
  const requests = buildGradeRequests(target.secret, startedAt, target.headers);
  const results = [];
  for (const request of requests) {
    const meta = GRADE_CASES.find((c) => c.id === request.id)!;
    const left = deadline - performance.now();
    const response: GradeResponse =
      left <= 0
        ? {
            kind: "not_run",
            reason: `Not sent: the run's time limit (${target.totalTimeoutMs} ms) was reached.`,
            durationMs: 0,
          }
        : await sendOne(
            client,
            target,
            request,
            Math.min(target.requestTimeoutMs, left),
            results.length === 0,
          );
    results.push(judgeCase(meta, response));
  }
  return summarize(target.url, startedAt, results);
}

/** A grader with its own SSRF-guarded client and fixed bounds: what main.ts hands the services. */
export interface GradeSender {
  grade(target: { url: string; secret: string; headers?: Record<string, string> }): Promise<GradeReport>;
  /** Closes the client's sockets. */
  close(): Promise<void>;
}

/**
 * The grader as the API runs it: a client of its own (so a run never takes the worker's
 * sockets) guarded by the same address policy as deliveries (HOOKRELAY_ALLOW_PRIVATE_NETWORKS),
 * with the configured per-request and per-run bounds.
 *
 * @example
 * const sender = createGradeSender({ allowCidrs: config.allowPrivateNetworks, requestTimeoutMs: 5000, totalTimeoutMs: 30000 });
 * const report = await sender.grade({ url, secret });
 */
export function createGradeSender(options: {
  allowCidrs: readonly string[];
  requestTimeoutMs: number;
  totalTimeoutMs: number;
  /** DNS resolution; the system resolver unless a test names one. */
  resolve?: Resolver;
}): GradeSender {
  const client = new DeliveryClient({
    policy: createAddressPolicy(options.allowCidrs),
    connections: 4,
    connectTimeoutMs: options.requestTimeoutMs,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const bounds = { requestTimeoutMs: options.requestTimeoutMs, totalTimeoutMs: options.totalTimeoutMs };
  return {
    grade: (target) => gradeReceiver(client, { ...target, ...bounds }),
    close: () => client.close(),
  };
}

async function sendOne(
  client: Pick<DeliveryClient, "send">,
  target: GradeTarget,
  request: GradeRequest,
  timeoutMs: number,
  first: boolean,
): Promise<GradeResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    const res = await client.send({
      url: target.url,
      headers: request.headers,
      body: request.body,
      maxResponseBytes: target.maxResponseBytes ?? 1024,
      signal: controller.signal,
    });
    return { kind: "response", status: res.statusCode, durationMs: elapsed() };
  } catch (error) {
    // Refused before anything was sent: the run is refused as a whole (the API answers 422).
    // Later (a name that now resolves elsewhere), it is that case's failure, reported as sent.
    if (isSsrfError(error) && first) throw innermost(error);
    if (controller.signal.aborted) return { kind: "timeout", durationMs: elapsed() };
    return {
      kind: "network_error",
      reason: `No response: ${innermost(error).message}`,
      durationMs: elapsed(),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A body that says what it is, so a receiver's logs explain the grader's requests. */
function gradeBody(id: GradeCaseId, msgId: string, nowMs: number, amount = 100): string {
  return JSON.stringify({
    type: "hookrelay.grade",
    timestamp: new Date(nowMs).toISOString(),
    data: { case: id, msgId, amount, note: "Sent by the Hookrelay receiver grader; safe to ignore." },
  });
}

/** The SSRF refusal in `error`'s cause chain (it names the setting to change), else the innermost error. */
function innermost(error: unknown): Error {
  let e = error as { cause?: unknown; code?: unknown } | null;
  while (e && e.code !== "ESSRF" && typeof e.cause === "object" && e.cause !== null) e = e.cause as typeof e;
  return e instanceof Error ? e : new Error(String(error));
}
