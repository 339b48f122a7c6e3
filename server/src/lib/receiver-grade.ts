/**
 * The receiver conformance grader's verdicts: which Standard Webhooks deliveries a receiver must
 * accept and which it must refuse, how an observed answer is judged, and the fix for each miss.
 * The requests themselves are made in `delivery/receiver-grader.ts` (through the SSRF guard);
 * this file is shared by the API's contract, the services and the command line (ADR 15).
 */

/** Each delivery the grader sends, in the order it sends them. */
export const GRADE_CASE_IDS = [
  "valid",
  "replayed_id",
  "rotated_keys",
  "bad_signature",
  "wrong_body",
  "stale_timestamp",
  "future_timestamp",
  "missing_headers",
  "v1a_only",
] as const;

export type GradeCaseId = (typeof GRADE_CASE_IDS)[number];

/** What a conforming receiver does with a case: answer 2xx, or refuse it with 4xx. */
export type GradeExpectation = "accept" | "reject";

/** What was observed: 2xx, 4xx, or a way of being wrong whatever was expected. */
export type GradeObserved =
  "accepted" | "rejected" | "redirect" | "server_error" | "timeout" | "network_error" | "not_run";

export interface GradeCase {
  id: GradeCaseId;
  title: string;
  expect: GradeExpectation;
  /** What to change in the receiver when it answered the wrong way (2xx for 4xx or back). */
  fix: string;
}

/**
 * The tolerance the Standard Webhooks libraries apply to `webhook-timestamp`; the stale and
 * future cases sit at twice that (10 minutes) so no clock skew excuses accepting them.
 */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;
export const GRADE_TIMESTAMP_OFFSET_SECONDS = 2 * TIMESTAMP_TOLERANCE_SECONDS;

const VERIFY = "new Webhook(secret).verify(rawBody, headers) from the `standardwebhooks` package does this";

/**
 * The catalogue, in sending order. A replay is graded as "accept": the spec has senders retry
 * with the same `webhook-id`, so a receiver that answers 4xx to a duplicate turns one lost
 * acknowledgement into retries until the endpoint is disabled (ADR 15).
 *
 * @example GRADE_CASES.find((c) => c.id === "stale_timestamp")!.expect // "reject"
 */
export const GRADE_CASES: readonly GradeCase[] = [
  {
    id: "valid",
    title: "Valid delivery",
    expect: "accept",
    fix:
      "A correctly signed, fresh delivery was refused. Verify with the endpoint's signing secret (the key is the " +
      "base64 after `whsec_`), over the raw request body (not re-serialized JSON); the signed content is " +
      "`{webhook-id}.{webhook-timestamp}.{body}`.",
  },
  {
    id: "replayed_id",
    title: "Same delivery again (same webhook-id)",
    expect: "accept",
    fix:
      "Answer 2xx to a webhook-id already processed, without processing it again: senders retry with the same " +
      "webhook-id when they did not see your answer, and a 4xx makes them retry until the endpoint is disabled. " +
      "Keep processed ids at least as long as the timestamp tolerance (5 minutes).",
  },
  {
    id: "rotated_keys",
    title: "Two v1 signatures (unknown old key + right key)",
    expect: "accept",
    fix:
      "Accept when any of the space-separated `v1,` entries of webhook-signature matches: during a secret " +
      `rotation the sender signs with the old and the new secret. ${VERIFY}.`,
  },
  {
    id: "bad_signature",
    title: "Signature from another key",
    expect: "reject",
    fix:
      "Verify webhook-signature before acting: HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` with the " +
      `secret, compared in constant time; answer 400 or 401 when no v1 entry matches. ${VERIFY}.`,
  },
  {
    id: "wrong_body",
    title: "Valid signature of a different body",
    expect: "reject",
    fix:
      "The signature covers the body: compute it over the exact raw bytes received (not only the id and " +
      `timestamp, not a re-serialized JSON), then parse. ${VERIFY}.`,
  },
  {
    id: "stale_timestamp",
    title: "Timestamp 10 minutes old",
    expect: "reject",
    fix:
      "Refuse a webhook-timestamp more than 5 minutes older than your clock: without it a captured delivery can be " +
      `replayed forever. ${VERIFY}.`,
  },
  {
    id: "future_timestamp",
    title: "Timestamp 10 minutes ahead",
    expect: "reject",
    fix:
      "Refuse a webhook-timestamp more than 5 minutes ahead of your clock too, not only old ones: a future " +
      `timestamp would stay replayable past the window. ${VERIFY}.`,
  },
  {
    id: "missing_headers",
    title: "No webhook-* headers",
    expect: "reject",
    fix: "Refuse (400) a request without webhook-id, webhook-timestamp and webhook-signature: unsigned requests can come from anyone.",
  },
  {
    id: "v1a_only",
    title: "Only a v1a (ed25519) signature entry",
    expect: "reject",
    fix:
      "Only `v1,` entries are HMAC signatures of this secret: skip entries of other versions (v1a) and refuse " +
      "when no v1 entry matches, rather than treating an unknown entry as a pass.",
  },
];

export interface GradeCaseResult extends GradeCase {
  observed: GradeObserved;
  /** The HTTP status, or null when none arrived. */
  status: number | null;
  passed: boolean;
  /** What happened, in a sentence. */
  note: string;
  durationMs: number;
}

export interface GradeReport {
  url: string;
  /** ISO time the run started. */
  startedAt: string;
  durationMs: number;
  passed: number;
  total: number;
  /** `passed / total` as a whole percentage. */
  percent: number;
  /** Set when the run says less than it seems, e.g. the valid delivery was refused. */
  caveat: string | null;
  cases: GradeCaseResult[];
}

/** What one request came to, before judging. */
export interface GradeResponse {
  kind: "response" | "timeout" | "network_error" | "not_run";
  status?: number;
  /** For network errors and cases not run: why. */
  reason?: string;
  durationMs: number;
}

/** What the replay case cannot tell, said where it passes. */
const UNOBSERVABLE =
  " Whether it was processed a second time cannot be seen from outside: only the answer is graded.";

/**
 * Judges one answer: 2xx accepts, 4xx rejects; 3xx, 5xx, timeouts and network errors are wrong
 * whatever was expected, each with its own note.
 *
 * @example judgeCase(GRADE_CASES[0]!, { kind: "response", status: 204, durationMs: 3 }).passed // true
 */
export function judgeCase(c: GradeCase, response: GradeResponse): GradeCaseResult {
  const status = response.status ?? null;
  const base = { ...c, status, durationMs: response.durationMs };
  if (response.kind === "timeout") {
    return {
      ...base,
      observed: "timeout",
      passed: false,
      note: `No answer within ${response.durationMs} ms: answer quickly (verify, queue the work, reply), then process.`,
    };
  }
  if (response.kind === "network_error" || response.kind === "not_run") {
    return { ...base, observed: response.kind, passed: false, note: response.reason ?? "no response" };
  }
  const code = status ?? 0;
  if (code >= 200 && code < 300) {
    const passed = c.expect === "accept";
    const note = passed
      ? `Accepted (${code}).${c.id === "replayed_id" ? UNOBSERVABLE : ""}`
      : `Accepted (${code}) but should have been refused with 4xx.`;
    return { ...base, observed: "accepted", passed, note };
  }
  if (code >= 400 && code < 500) {
    const passed = c.expect === "reject";
    return {
      ...base,
      observed: "rejected",
      passed,
      note: passed ? `Refused (${code}).` : `Refused (${code}) but should have been accepted with 2xx.`,
    };
  }
  if (code >= 300 && code < 400) {
    return {
      ...base,
      observed: "redirect",
      passed: false,
      note: `Answered ${code}: redirects are never followed; point the endpoint at the final URL.`,
    };
  }
  return {
    ...base,
    observed: "server_error",
    passed: false,
    note:
      c.expect === "reject"
        ? `Answered ${code}: refuse a delivery that fails verification with 4xx; a 5xx tells the sender to retry one that will never verify.`
        : `Answered ${code} to a delivery it should accept: the receiver failed.`,
  };
}

/**
 * The report of a run from its judged cases (in catalogue order).
 *
 * @example summarize("https://example.com/hook", started, results).percent // 100
 */
export function summarize(
  url: string,
  startedAt: number,
  cases: GradeCaseResult[],
  now = Date.now(),
): GradeReport {
  const passed = cases.filter((c) => c.passed).length;
  const valid = cases.find((c) => c.id === "valid");
  const caveat =
    valid && !valid.passed
      ? "The valid delivery was not accepted, so the refusals below prove little: check the receiver is configured with this endpoint's signing secret and is reachable, then grade again."
      : null;
  return {
    url,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: now - startedAt,
    passed,
    total: cases.length,
    percent: cases.length === 0 ? 0 : Math.round((passed / cases.length) * 100),
    caveat,
    cases,
  };
}
