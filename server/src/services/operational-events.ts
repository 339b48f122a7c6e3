import type { Logger } from "pino";

import type { OperationalEventType } from "../contract/operational-webhooks.js";
import { newId } from "../lib/ids.js";
import type { Wakeup } from "../lib/wakeup.js";
import type { ApplicationsRepository } from "../store/applications-repository.js";
import type { CircuitChange, RecordedOutcome } from "../store/deliveries-repository.js";
import type { EndpointsRepository } from "../store/endpoints-repository.js";
import type { FanoutCache } from "../store/fanout-cache.js";
import type { GroupCommit } from "../store/group-commit.js";
import type { InsertResult, NewMessage } from "../store/message-batch.js";
import type { MessagesRepository } from "../store/messages-repository.js";
import { OPERATIONAL_APP_ID } from "../store/operational-app.js";
import type { ApplicationRow, EndpointRow, MessageRow } from "../store/schema.js";
import type { SourceFailing } from "./inbound-failure-watch.js";

/** Svix sends `message.attempt.failing` on a delivery's fourth failed attempt. */
export const FAILING_AFTER_ATTEMPTS = 4;

/** What {@link OperationalEvents} writes with and reads from. */
export interface OperationalEventsDeps {
  /** The shared message writer: an event is a message of the operational application. */
  writer: GroupCommit<NewMessage, InsertResult>;
  wakeup: Wakeup;
  fanout: FanoutCache;
  applications: ApplicationsRepository;
  endpoints: EndpointsRepository;
  messages: MessagesRepository;
  /** HOOKRELAY_ENDPOINT_DISABLE_AFTER_SECONDS in ms: tells an automatic disable from a manual one. */
  endpointDisableAfterMs: number;
  /** Days an event message is kept, like every message (HOOKRELAY_RETENTION_DAYS). */
  retentionDays: number;
  logger?: Logger | undefined;
}

type EndpointChange = "created" | "updated" | "deleted";
type AttemptIds = { appId: string; msgId: string; endpointId: string };
/** Svix's `MessageAttemptFailedData`. */
type LastAttempt = { id: string | null; responseStatusCode: number; timestamp: string };

const iso = (ms: number) => new Date(ms).toISOString();
const DAY_MS = 86_400_000;

/**
 * Emits operational webhooks. An event is a message in the internal operational application
 * ({@link OPERATIONAL_APP_ID}), written by the same writer as every message, so it fans out to
 * the operational endpoints whose `eventTypes` match and is signed, retried and logged like any
 * delivery. Nothing is written while no operational endpoint would receive the event.
 *
 * Events about the operational application's own endpoints and deliveries are never emitted:
 * a failing operational endpoint must not report on itself. Emission follows the change's
 * commit and never throws (best effort, ADR 10); events the worker could report twice carry an
 * `eventId`, so the second copy is refused by the message writer's eventId de-duplication.
 *
 * @example await events.emit("endpoint.created", { appId, appUid: null, endpointId, endpointUid: null });
 */
export class OperationalEvents {
  constructor(private readonly deps: OperationalEventsDeps) {}

  /** Writes one event (unless no operational endpoint wants it); logs and swallows any failure. */
  async emit(type: OperationalEventType, data: Record<string, unknown>, eventId?: string): Promise<void> {
    try {
      if ((await this.wantedTypes())(type)) await this.write(type, data, eventId);
    } catch (error) {
      this.deps.logger?.warn({ err: error, type }, "could not emit an operational webhook");
    }
  }

  /** Which event types at least one enabled operational endpoint receives (one read of its endpoints). */
  private async wantedTypes(): Promise<(type: OperationalEventType) => boolean> {
    const routes = (await this.deps.fanout.forApps([OPERATIONAL_APP_ID])).get(OPERATIONAL_APP_ID) ?? [];
    return (type) => routes.some((r) => r.eventTypes === null || r.eventTypes.includes(type));
  }

  /** The event as a message of the operational application; fan-out picks the endpoints. */
  private async write(type: OperationalEventType, data: Record<string, unknown>, eventId?: string): Promise<void> {
    const now = Date.now();
    const message: MessageRow = {
      id: newId("msg"),
      app_id: OPERATIONAL_APP_ID,
      event_type: type,
      event_id: eventId ?? null,
      payload: JSON.stringify({ type, timestamp: iso(now), data }),
      channels: null,
      tags: null,
      deliver_at: null,
      created_at: now,
      expires_at: now + this.deps.retentionDays * DAY_MS,
    };
    const result = await this.deps.writer.submit({ message });
    if (result.ok) this.deps.wakeup.notify();
  }

  /**
   * An endpoint was created, updated or deleted through the API: `endpoint.created|updated|deleted`,
   * plus `endpoint.disabled` (trigger `manual`) or `endpoint.enabled` when `disabled` changed.
   */
  async endpointChanged(
    change: EndpointChange,
    app: ApplicationRow,
    before: EndpointRow | null,
    after: EndpointRow | null,
  ): Promise<void> {
    const row = after ?? before;
    if (!row || row.app_id === OPERATIONAL_APP_ID) return;
    const data = endpointData(app, row);
    await this.emit(`endpoint.${change}`, data);
    if (change !== "updated" || !before || !after || before.disabled === after.disabled) return;
    if (after.disabled === 1) await this.emit("endpoint.disabled", { ...data, failSince: null, trigger: "manual" });
    else await this.emit("endpoint.enabled", data);
  }

  /**
   * Outcomes the worker wrote: `message.attempt.failing` on the fourth failed attempt,
   * `message.attempt.exhausted` when the retries ran out, `message.attempt.recovered` when a
   * delivery that had been reported failing (or exhausted, then resent) succeeded, and
   * `endpoint.disabled` (trigger `automatic`) when the batch disabled the endpoint.
   */
  outcomesRecorded(outcomes: RecordedOutcome[]): Promise<void> {
    return this.safely("message.attempt.*", () => this.reportOutcomes(outcomes));
  }

  /**
   * Decides from the outcomes alone first, so a batch with nothing to report (nearly all of
   * them) costs no query; then reads only what the wanted events need.
   */
  private async reportOutcomes(outcomes: RecordedOutcome[]): Promise<void> {
    const events: { type: OperationalEventType; eventId: string; ids: AttemptIds; lastAttempt: LastAttempt }[] = [];
    const disabled = new Map<string, { appId: string; lastFailureAt: number; gone: boolean }>();
    for (const outcome of outcomes) {
      const { result, priorAttempts, priorStatusCode, manual } = outcome;
      const attempt = result.attempt;
      // A delivery its transformation cancelled was not a failure of the receiver: nothing to report.
      if (!attempt || attempt.app_id === OPERATIONAL_APP_ID || result.cancelled) continue;
      const succeeded = result.next === "success";
      const lastAttempt = {
        id: result.attemptId ?? null,
        responseStatusCode: attempt.response_status_code,
        timestamp: iso(result.at),
      };
      const ids = { appId: attempt.app_id, msgId: attempt.msg_id, endpointId: result.endpointId };
      const add = (type: OperationalEventType, eventId: string) => events.push({ type, eventId, ids, lastAttempt });
      if (!succeeded && !manual && priorAttempts + 1 === FAILING_AFTER_ATTEMPTS) {
        add("message.attempt.failing", `failing.${result.deliveryId}`);
      }
      if (result.next === "fail" && !manual) add("message.attempt.exhausted", `exhausted.${result.deliveryId}`);
      const previouslyFailed = priorAttempts > 0 && !isSuccessCode(priorStatusCode);
      if (succeeded && previouslyFailed && (priorAttempts >= FAILING_AFTER_ATTEMPTS || manual)) {
        add("message.attempt.recovered", `recovered.${result.deliveryId}.${priorAttempts}`);
      }
      // Only a 410 or a run already as long as the disable period can have disabled the endpoint.
      const since = outcome.endpointFailingSince;
      const runLongEnough = since !== null && since <= result.at - this.deps.endpointDisableAfterMs;
      if (!succeeded && !outcome.endpointWasDisabled && (result.gone === true || runLongEnough)) {
        const seen = disabled.get(result.endpointId);
        disabled.set(result.endpointId, {
          appId: attempt.app_id,
          lastFailureAt: Math.max(seen?.lastFailureAt ?? 0, result.at),
          gone: (seen?.gone ?? false) || result.gone === true,
        });
      }
    }
    if (events.length === 0 && disabled.size === 0) return;
    const wanted = await this.wantedTypes();
    for (const e of events) {
      if (wanted(e.type)) await this.write(e.type, await this.attemptData(e.ids, e.lastAttempt), e.eventId);
    }
    if (!wanted("endpoint.disabled")) return;
    for (const [endpointId, failure] of disabled) await this.reportAutomaticDisable(endpointId, failure);
  }

  /**
   * `endpoint.circuit_opened` / `endpoint.circuit_closed`: the circuit breaker's `onCircuitChange`
   * callback, taking its object as it is. Bound, so it can be handed over as it is.
   */
  readonly onCircuitChange = (change: CircuitChange): Promise<void> =>
    this.safely("endpoint.circuit_*", () => this.reportCircuit(change));

  private async reportCircuit(change: CircuitChange): Promise<void> {
    if (change.appId === OPERATIONAL_APP_ID) return;
    const [app, endpoint] = await Promise.all([
      this.deps.applications.find(change.appId),
      this.deps.endpoints.get(change.endpointId),
    ]);
    if (change.state === "disabled") {
      // The count rule's disable: Svix's `endpoint.disabled`, automatic, once per disable.
      if (!app || !endpoint) return;
      await this.emit(
        "endpoint.disabled",
        { ...endpointData(app, endpoint), failSince: endpoint.first_failure_at === null ? null : iso(endpoint.first_failure_at), trigger: "automatic" },
        `disabled.${change.endpointId}.count.${change.at}`,
      );
      return;
    }
    await this.emit(change.state === "open" ? "endpoint.circuit_opened" : "endpoint.circuit_closed", {
      appId: change.appId,
      appUid: app?.uid ?? null,
      endpointId: change.endpointId,
      endpointUid: endpoint?.uid ?? null,
      state: change.state,
      consecutiveFailures: change.consecutiveFailures,
      nextProbeAt: change.nextProbeAt === null ? null : iso(change.nextProbeAt),
      at: iso(change.at),
    });
  }

  /**
   * `inbound.source.failing`: a source's calls keep failing verification (see
   * `InboundFailureWatch`). One event per run of failures; the run's start is in the eventId.
   */
  sourceFailing(failing: SourceFailing): Promise<void> {
    return this.safely("inbound.source.failing", () => this.reportSourceFailing(failing));
  }

  private async reportSourceFailing(failing: SourceFailing): Promise<void> {
    const { source } = failing;
    if (source.app_id === OPERATIONAL_APP_ID) return;
    const app = await this.deps.applications.find(source.app_id);
    await this.emit(
      "inbound.source.failing",
      {
        appId: source.app_id,
        appUid: app?.uid ?? null,
        sourceId: source.id,
        sourceUid: source.uid,
        sourceName: source.name,
        provider: source.provider,
        consecutiveFailures: failing.consecutiveFailures,
        failSince: iso(failing.failSince),
        lastReason: failing.lastReason,
      },
      `source-failing.${source.id}.${failing.failSince}`,
    );
  }

  /**
   * The same rule as `endpointHealthQuery`: disabled by a 410, or by a failure run at least
   * `endpointDisableAfterMs` long. Read after the commit; the run's start in the eventId makes
   * a second report of the same disable (another batch, another worker) a duplicate.
   */
  private async reportAutomaticDisable(
    endpointId: string,
    failure: { appId: string; lastFailureAt: number; gone: boolean },
  ): Promise<void> {
    const row = await this.deps.endpoints.get(endpointId);
    if (!row || row.disabled !== 1 || row.first_failure_at === null) return;
    if (!failure.gone && row.first_failure_at > failure.lastFailureAt - this.deps.endpointDisableAfterMs) return;
    const app = await this.deps.applications.find(failure.appId);
    if (!app) return;
    await this.write(
      "endpoint.disabled",
      { ...endpointData(app, row), failSince: iso(row.first_failure_at), trigger: "automatic" },
      `disabled.${endpointId}.${row.first_failure_at}`,
    );
  }

  /** Reports never reject: what they read or write may fail, the caller's work must not. */
  private async safely(type: string, report: () => Promise<void>): Promise<void> {
    try {
      await report();
    } catch (error) {
      this.deps.logger?.warn({ err: error, type }, "could not emit an operational webhook");
    }
  }

  private async attemptData(ids: AttemptIds, lastAttempt: LastAttempt): Promise<Record<string, unknown>> {
    const [app, message] = await Promise.all([
      this.deps.applications.find(ids.appId),
      this.deps.messages.find(ids.appId, ids.msgId),
    ]);
    return {
      appId: ids.appId,
      appUid: app?.uid ?? null,
      msgId: ids.msgId,
      msgEventId: message?.event_id ?? null,
      endpointId: ids.endpointId,
      lastAttempt,
    };
  }
}

function endpointData(app: ApplicationRow, row: EndpointRow): Record<string, unknown> {
  return { appId: app.id, appUid: app.uid, endpointId: row.id, endpointUid: row.uid };
}

function isSuccessCode(code: number | null): boolean {
  return code !== null && code >= 200 && code < 300;
}
