import type { Kysely } from "kysely";

import { parseJson } from "../lib/json.js";
import { TtlCache } from "../lib/ttl-cache.js";
import type { Database } from "./schema.js";

/** What the worker applies of an application: its throttle and its retry schedule. */
export interface AppPolicy {
  throttleRate: number | null;
  retrySchedule: number[] | null;
}

/**
 * The policies of one claim batch: per application and per event type (absent from the map:
 * not registered, so no schedule of its own).
 *
 * @example policies.apps.get("app_…")?.throttleRate; policies.eventTypes.get("invoice.paid")
 */
export interface BatchPolicies {
  apps: Map<string, AppPolicy>;
  eventTypes: Map<string, number[] | null>;
}

/**
 * How long the worker keeps an application's throttle and an event type's or application's
 * retry schedule before reading them again. These change rarely and every claim batch needs
 * them: at most one read per table per second keeps them off the claim's hot path, and a
 * change reaches every worker (any instance) within this time.
 */
const POLICY_CACHE_MS = 1_000;

/**
 * Application and event-type policies for claimed deliveries, read in one query per table for
 * what the cache misses (the endpoint's own columns come with the claim itself).
 *
 * @example const policies = await new DeliveryPolicyCache(store.db).forBatch(["app_…"], ["invoice.paid"]);
 */
export class DeliveryPolicyCache {
  private readonly apps = new TtlCache<string, AppPolicy>(POLICY_CACHE_MS);
  private readonly eventTypes = new TtlCache<string, number[] | null>(POLICY_CACHE_MS);

  constructor(private readonly db: Kysely<Database>) {}

  async forBatch(appIds: Iterable<string>, eventTypes: Iterable<string>): Promise<BatchPolicies> {
    const result: BatchPolicies = { apps: new Map(), eventTypes: new Map() };
    const missingApps = new Set<string>();
    for (const id of appIds) {
      const hit = this.apps.get(id);
      if (hit) result.apps.set(id, hit);
      else missingApps.add(id);
    }
    const missingTypes = new Set<string>();
    for (const name of eventTypes) {
      const hit = this.eventTypes.get(name);
      if (hit !== undefined) result.eventTypes.set(name, hit);
      else missingTypes.add(name);
    }
    const [appRows, typeRows] = await Promise.all([
      missingApps.size === 0
        ? []
        : this.db
            .selectFrom("applications")
            .select(["id", "throttle_rate", "retry_schedule"])
            .where("id", "in", [...missingApps])
            .execute(),
      missingTypes.size === 0
        ? []
        : this.db
            .selectFrom("event_types")
            .select(["name", "retry_schedule"])
            .where("name", "in", [...missingTypes])
            .execute(),
    ]);
    for (const row of appRows) {
      const policy = { throttleRate: row.throttle_rate, retrySchedule: parseSchedule(row.retry_schedule) };
      result.apps.set(row.id, this.apps.set(row.id, policy));
    }
    // A type that is not registered is cached as "no schedule" too, so it is not looked up again.
    const found = new Map(typeRows.map((row) => [row.name, parseSchedule(row.retry_schedule)]));
    for (const name of missingTypes)
      result.eventTypes.set(name, this.eventTypes.set(name, found.get(name) ?? null));
    return result;
  }
}

/**
 * A stored retry schedule (JSON array of seconds), or null when unset or unreadable.
 *
 * @example parseSchedule("[5,60]") // [5, 60]
 */
export function parseSchedule(stored: string | null): number[] | null {
  const value = parseJson<unknown>(stored, null);
  return Array.isArray(value) && value.every((v) => typeof v === "number") ? (value as number[]) : null;
}
