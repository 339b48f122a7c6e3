import type { Logger } from "pino";

import type { Config } from "../config/config.js";
import { attemptDelivery, type AttemptOutcome } from "../delivery/attempt.js";
import { newId } from "../lib/ids.js";
import { parseJson } from "../lib/json.js";
import type { Keyring } from "../lib/keyring.js";
import { signatureSchemeOf } from "../lib/signature-schemes.js";
import { liveSecrets } from "../lib/standard-webhooks.js";
import type { ClaimedDelivery, DeliveryResult } from "../store/deliveries-repository.js";
import { DeliveryStatus } from "../store/schema.js";
import type { WebhookSender } from "./ports.js";
import { nextAttemptDelayMs, type RetryConfig } from "./retry-policy.js";
import { applyTransformation, type Transformations } from "./transformation.js";

/** What became of one claimed delivery: the row to write, and the attempt if one was made. */
export interface Decision {
  result: DeliveryResult;
  outcome: AttemptOutcome | undefined;
}

/** What {@link decide} needs besides the delivery; one per worker. */
export interface DecideContext {
  /** The lease owner, written with every result so a stale one is fenced off. */
  owner: string;
  config: RetryConfig & Pick<Config, "deliveryTimeoutMs" | "responseBodyMaxBytes">;
  /** Opens endpoints' sealed secrets and headers (the worker passes its OpenedValues). */
  keyring: Pick<Keyring, "open">;
  sender: WebhookSender;
  logger?: Logger | undefined;
  /** Endpoint transformations; absent: every delivery goes as stored. */
  transformations?: Transformations | undefined;
}

/**
 * Decides what becomes of one claimed delivery, already admitted by its throttles
 * (`admission.ts`): failed at once when its endpoint is disabled, otherwise sent once and
 * classified as success, retry (after the delay the retry policy gives on `retrySchedule`,
 * the delivery's own schedule, see `pickRetrySchedule`) or fail (retries exhausted, a manual
 * attempt, or an address the SSRF guard refuses). Rejects only on a bug.
 *
 * @example const { result, outcome } = await decide(claimed, { owner, config, keyring, sender }, [5, 300]);
 */
export async function decide(
  claimed: ClaimedDelivery,
  ctx: DecideContext,
  retrySchedule: readonly number[] = ctx.config.retrySchedule,
): Promise<Decision> {
  const { delivery, endpoint, message } = claimed;
  const { config, keyring } = ctx;
  const now = Date.now();
  const base = { deliveryId: delivery.id, endpointId: endpoint.id, owner: ctx.owner };

  if (endpoint.disabled) return { result: { ...base, next: "fail", at: now }, outcome: undefined };

  let outcome: AttemptOutcome;
  try {
    // The endpoint's transformation (ADR 16), if any: what is signed and sent, or a cancellation.
    const shape = await applyTransformation(claimed, ctx.transformations);
    if (shape.kind === "cancel") return cancelled(claimed, base, shape.response);
    outcome =
      shape.kind === "fail"
        ? shape.outcome
        : await attemptDelivery(ctx.sender, {
            url: shape.url,
            method: shape.method,
            body: shape.body,
            msgId: message.id,
            secrets: liveSecrets(endpoint.secret, endpoint.old_secrets, now).map((s) => keyring.open(s)),
            headers: { ...parseJson<Record<string, string>>(keyring.open(endpoint.headers), {}), ...shape.headers },
            scheme: signatureSchemeOf(endpoint.signature_scheme),
            eventType: shape.eventType,
            timeoutMs: config.deliveryTimeoutMs,
            maxResponseBytes: config.responseBodyMaxBytes,
            now,
          });
  } catch (error) {
    // Not the receiver's doing (a secret that cannot be opened, corrupt stored JSON): record
    // it as a failed attempt so it is visible in the attempt log and follows the retry schedule.
    ctx.logger?.error({ err: error, deliveryId: delivery.id }, "could not prepare delivery");
    const reason = error instanceof Error ? error.message : String(error);
    outcome = {
      kind: "network_error",
      statusCode: 0,
      response: `delivery not sent: ${reason}`,
      durationMs: 0,
      gone: false,
    };
  }

  const at = Date.now();
  const succeeded = outcome.kind === "success";
  const manual = delivery.next_trigger === 1;
  // A manual attempt (resend, recover) is a single shot: failing it leaves the delivery failed.
  // A refused address fails at once: no retry can succeed until HOOKRELAY_ALLOW_PRIVATE_NETWORKS
  // changes, and then the failed delivery is recovered or resent like any other.
  const final = succeeded || manual || outcome.kind === "ssrf_refused";
  const delay = final ? null : nextAttemptDelayMs(delivery.attempt_count + 1, outcome, { ...config, retrySchedule });
  const result: DeliveryResult = {
    ...base,
    next: succeeded ? "success" : delay === null ? "fail" : "retry",
    at,
    gone: outcome.gone,
    attemptId: newId("atmpt"),
    attempt: {
      msg_id: delivery.msg_id,
      app_id: delivery.app_id,
      url: endpoint.url,
      status: succeeded ? DeliveryStatus.success : DeliveryStatus.fail,
      response_status_code: outcome.statusCode,
      response: outcome.response,
      response_duration_ms: outcome.durationMs,
      trigger_type: delivery.next_trigger,
    },
  };
  if (delay !== null) result.dueAt = at + delay;
  return { result, outcome };
}

/**
 * The result for a delivery its endpoint's transformation cancelled: finished, not sent, not
 * retried; its attempt row says why, and it counts neither for nor against the endpoint's health.
 */
function cancelled(claimed: ClaimedDelivery, base: Pick<DeliveryResult, "deliveryId" | "endpointId" | "owner">, response: string): Decision {
  const { delivery, endpoint } = claimed;
  const at = Date.now();
  const result: DeliveryResult = {
    ...base,
    next: "fail",
    cancelled: true,
    at,
    attemptId: newId("atmpt"),
    attempt: {
      msg_id: delivery.msg_id,
      app_id: delivery.app_id,
      url: endpoint.url,
      status: DeliveryStatus.fail,
      response_status_code: 0,
      response,
      response_duration_ms: 0,
      trigger_type: delivery.next_trigger,
    },
  };
  return { result, outcome: undefined };
}

/**
 * The result for a delivery its throttle sends back to the queue untried, due at `dueAt`: no
 * attempt is made or counted.
 *
 * @example releaseThrottled(claimed, owner, Date.now() + 400)
 */
export function releaseThrottled(claimed: ClaimedDelivery, owner: string, dueAt: number): Decision {
  const result: DeliveryResult = {
    deliveryId: claimed.delivery.id,
    endpointId: claimed.endpoint.id,
    owner,
    next: "release",
    dueAt,
    at: Date.now(),
  };
  return { result, outcome: undefined };
}

/**
 * The result for a delivery whose processing hit a bug (not a delivery outcome): the row is
 * handed back for a later try, due one poll interval from now, rather than wedge a slot.
 *
 * @example releaseAfterBug(claimed, owner, config.workerPollMs)
 */
export function releaseAfterBug(claimed: ClaimedDelivery, owner: string, pollMs: number): Decision {
  const at = Date.now();
  const result: DeliveryResult = {
    deliveryId: claimed.delivery.id,
    endpointId: claimed.endpoint.id,
    owner,
    next: "release",
    dueAt: at + pollMs,
    at,
  };
  return { result, outcome: undefined };
}
