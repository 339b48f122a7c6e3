import type { MessageStatusText } from "../../api/types";

/** The message search, kept in the URL so a filtered view can be shared or bookmarked. */
export interface MessageSearch {
  /** Comma-separated event type names. */
  eventType?: string;
  status?: MessageStatusText;
  endpoint?: string;
  /** `datetime-local` values (local time). */
  after?: string;
  before?: string;
  id?: string;
}

const STATUSES: readonly MessageStatusText[] = ["success", "pending", "fail", "sending"];

const text = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() ? v.trim().slice(0, 512) : undefined;

export function parseMessageSearch(raw: Record<string, unknown>): MessageSearch {
  const status = text(raw.status);
  return {
    eventType: text(raw.eventType),
    status: STATUSES.includes(status as MessageStatusText) ? (status as MessageStatusText) : undefined,
    endpoint: text(raw.endpoint),
    after: text(raw.after),
    before: text(raw.before),
    id: text(raw.id),
  };
}

export const STATUS_NUMBER: Record<MessageStatusText, number> = {
  success: 0,
  pending: 1,
  fail: 2,
  sending: 3,
};

export function hasFilters(s: MessageSearch): boolean {
  return Boolean(s.eventType || s.status || s.endpoint || s.after || s.before || s.id);
}
