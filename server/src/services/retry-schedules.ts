import { type RetryScheduleOut, toRetryScheduleOut } from "../contract/retry-schedules.js";
import { ApiError } from "../lib/errors.js";
import { parseSchedule } from "../store/delivery-policies.js";
import type { EventTypesRepository } from "../store/event-types-repository.js";
import type { ApplicationService } from "./applications.js";
import { requireAllApplications } from "./applications.js";
import { diffFields } from "./audit-diff.js";
import type { AuditLog } from "./audit-log.js";
import type { EndpointService } from "./endpoints.js";
import type { Actor, Principal } from "./principal.js";

/**
 * Retry schedules per event type, endpoint and application. The worker picks the most
 * specific one set (endpoint > event type > application > HOOKRELAY_RETRY_SCHEDULE, see
 * `worker/retry-policy.ts` `pickRetrySchedule`). Each change is audited as
 * `<resource>.retry-schedule.update` with the schedule before and after.
 *
 * @example await retrySchedules.setForEventType(actor, "invoice.paid", [5, 60]);
 */
export class RetryScheduleService {
  constructor(
    private readonly eventTypes: EventTypesRepository,
    private readonly applications: ApplicationService,
    private readonly endpoints: EndpointService,
    private readonly audit: AuditLog,
  ) {}

  async getForEventType(_principal: Principal, name: string): Promise<RetryScheduleOut> {
    const row = await this.eventTypes.find(name);
    if (!row) throw ApiError.notFound("Event type");
    return toRetryScheduleOut(parseSchedule(row.retry_schedule));
  }

  /** Event types are global: like any event-type change, this takes a key not limited to one application. */
  async setForEventType(actor: Actor, name: string, schedule: number[] | null): Promise<RetryScheduleOut> {
    requireAllApplications(actor);
    const row = await this.eventTypes.find(name);
    if (!row) throw ApiError.notFound("Event type");
    await this.write(actor, "event-type", "event_types", name, null, row.retry_schedule, schedule);
    return toRetryScheduleOut(schedule);
  }

  async getForApplication(principal: Principal, appIdOrUid: string): Promise<RetryScheduleOut> {
    const app = await this.applications.resolve(principal, appIdOrUid);
    return toRetryScheduleOut(parseSchedule(app.retry_schedule));
  }

  async setForApplication(
    actor: Actor,
    appIdOrUid: string,
    schedule: number[] | null,
  ): Promise<RetryScheduleOut> {
    const app = await this.applications.resolve(actor, appIdOrUid);
    await this.write(actor, "application", "applications", app.id, app.id, app.retry_schedule, schedule);
    // The application lookup cache must not hand out the row as it was (a later PUT of the
    // application writes the whole row back).
    this.applications.forget();
    return toRetryScheduleOut(schedule);
  }

  async getForEndpoint(
    principal: Principal,
    appIdOrUid: string,
    endpointIdOrUid: string,
  ): Promise<RetryScheduleOut> {
    const { endpoint } = await this.endpoints.resolve(principal, appIdOrUid, endpointIdOrUid);
    return toRetryScheduleOut(parseSchedule(endpoint.retry_schedule));
  }

  async setForEndpoint(
    actor: Actor,
    appIdOrUid: string,
    endpointIdOrUid: string,
    schedule: number[] | null,
  ): Promise<RetryScheduleOut> {
    const { app, endpoint } = await this.endpoints.resolve(actor, appIdOrUid, endpointIdOrUid);
    await this.write(actor, "endpoint", "endpoints", endpoint.id, app.id, endpoint.retry_schedule, schedule);
    return toRetryScheduleOut(schedule);
  }

  /** Writes the one column with its audit row; only `retry_schedule` is touched, so no other change is overwritten. */
  private async write(
    actor: Actor,
    resource: string,
    table: "event_types" | "applications" | "endpoints",
    id: string,
    appId: string | null,
    before: string | null,
    schedule: number[] | null,
  ): Promise<void> {
    const stored = schedule === null ? null : JSON.stringify(schedule);
    await this.audit.run(
      actor,
      async (trx) => {
        const values = { retry_schedule: stored, updated_at: Date.now() };
        if (table === "event_types")
          await trx.updateTable(table).set(values).where("name", "=", id).execute();
        else await trx.updateTable(table).set(values).where("id", "=", id).execute();
      },
      () => ({
        action: `${resource}.retry-schedule.update`,
        appId,
        resourceId: id,
        changes: diffFields({ retrySchedule: parseSchedule(before) }, { retrySchedule: schedule }),
      }),
    );
  }
}
