import { type Expression, type Kysely, type SqlBool } from "kysely";

import { hasJsonElement } from "./json-array.js";
import type { Database, MessageRow, PollerConsumerRow } from "./schema.js";

/** Which messages of an application a poll reads: the endpoint's filters and the request's. */
export interface PollFilter {
  appId: string;
  /** The endpoint's event types; null or empty = all. */
  eventTypes: string[] | null;
  /** The endpoint's channels; null or empty = all. */
  channels: string[] | null;
  /** The request's `event_type`, on top of the endpoint's. */
  eventType?: string | undefined;
  /** The request's `channel`, on top of the endpoint's. */
  channel?: string | undefined;
}

/**
 * Reads for polling endpoints and the positions of their consumers. Messages are read in id
 * order, which is creation order (ids start with their millisecond, lib/ids.ts); every filter
 * is in the SQL, so a page is one indexed range scan on `messages_app` (app_id, id).
 *
 * @example const rows = await pollers.read(filter, "msg_…", "msg_…", 51);
 */
export class PollerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `limit` messages with `after` < id < `below`, in id order. */
  async read(filter: PollFilter, after: string, below: string, limit: number): Promise<MessageRow[]> {
    let q = this.db
      .selectFrom("messages")
      .selectAll()
      .where("app_id", "=", filter.appId)
      .where("id", ">", after)
      .where("id", "<", below);
    if (filter.eventTypes && filter.eventTypes.length > 0) q = q.where("event_type", "in", filter.eventTypes);
    if (filter.eventType !== undefined) q = q.where("event_type", "=", filter.eventType);
    const channels = filter.channels;
    if (channels && channels.length > 0) {
      q = q.where((eb) => eb.or(channels.map((c): Expression<SqlBool> => hasJsonElement("channels", c))));
    }
    if (filter.channel !== undefined) q = q.where(hasJsonElement("channels", filter.channel));
    return q.orderBy("id").limit(limit).execute();
  }

  async consumer(endpointId: string, consumerId: string): Promise<PollerConsumerRow | undefined> {
    return this.db
      .selectFrom("poller_consumers")
      .selectAll()
      .where("endpoint_id", "=", endpointId)
      .where("consumer_id", "=", consumerId)
      .executeTakeFirst();
  }

  /** Records a consumer at `row.position` unless it already has a position (which is kept). */
  async register(row: PollerConsumerRow): Promise<void> {
    await this.db
      .insertInto("poller_consumers")
      .values(row)
      .onConflict((oc) => oc.columns(["endpoint_id", "consumer_id"]).doNothing())
      .execute();
  }

  /** Sets a consumer's position, creating the consumer if needed. */
  async setPosition(row: PollerConsumerRow): Promise<void> {
    await this.db
      .insertInto("poller_consumers")
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(["endpoint_id", "consumer_id"])
          .doUpdateSet({ position: row.position, updated_at: row.updated_at }),
      )
      .execute();
  }

  /** The consumers of one endpoint, by name; an endpoint has as many as its readers named. */
  async consumers(endpointId: string, limit: number): Promise<PollerConsumerRow[]> {
    return this.db
      .selectFrom("poller_consumers")
      .selectAll()
      .where("endpoint_id", "=", endpointId)
      .orderBy("consumer_id")
      .limit(limit)
      .execute();
  }
}
