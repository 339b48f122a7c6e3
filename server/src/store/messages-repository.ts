import type { Kysely } from "kysely";

import { hasJsonElement } from "./json-array.js";
import { type Page, type PageRequest, paginate } from "./paginate.js";
import type { Database, MessageRow } from "./schema.js";

export interface MessageFilter {
  appId: string;
  channel?: string | undefined;
  eventTypes?: string[] | undefined;
  /** Messages carrying this tag (one of `tags`). */
  tag?: string | undefined;
  before?: number | undefined;
  after?: number | undefined;
}

/**
 * Reading messages and expunging their payloads. Messages are written by {@link MessageWriter}.
 *
 * @example const row = await messages.find(appId, "msg_2a…");
 */
export class MessagesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(appId: string, idOrEventId: string): Promise<MessageRow | undefined> {
    const column = idOrEventId.startsWith("msg_") ? "id" : "event_id";
    return this.db
      .selectFrom("messages")
      .selectAll()
      .where("app_id", "=", appId)
      .where(column, "=", idOrEventId)
      .executeTakeFirst();
  }

  async list(filter: MessageFilter, page: PageRequest): Promise<Page<MessageRow>> {
    let q = this.db.selectFrom("messages").selectAll().where("app_id", "=", filter.appId);
    if (filter.eventTypes && filter.eventTypes.length > 0) q = q.where("event_type", "in", filter.eventTypes);
    if (filter.before !== undefined) q = q.where("created_at", "<", filter.before);
    if (filter.after !== undefined) q = q.where("created_at", ">", filter.after);
    if (filter.channel !== undefined) {
      // Channels are stored as a JSON array of names restricted to [a-zA-Z0-9-_.], so the
      // quoted name cannot match anything but a whole element.
      q = q.where("channels", "like", `%"${filter.channel}"%`);
    }
    if (filter.tag !== undefined) q = q.where(hasJsonElement("tags", filter.tag));
    return paginate(q, "id", page, "descending");
  }

  async expungePayload(appId: string, msgId: string, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .updateTable("messages")
      .set({ payload: null })
      .where("app_id", "=", appId)
      .where("id", "=", msgId)
      .execute();
  }
}
