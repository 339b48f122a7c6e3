import { endpoints, messages } from "../../api/resources";
import type { EndpointMessageOut, MessageOut, Page } from "../../api/types";
import { localInputToIso } from "../../lib/format";
import { type MessageSearch, STATUS_NUMBER } from "./search";

/** A message row; `status` is known only when the search names an endpoint. */
export type MessageRow = MessageOut &
  Partial<Pick<EndpointMessageOut, "status" | "statusText" | "nextAttempt">>;

/**
 * Fetches one page of the search. Three API shapes serve it: an id is a direct lookup; an
 * endpoint uses `/endpoint/{ep}/msg` (which can filter by delivery status); otherwise `/msg`.
 */
export async function fetchMessagePage(
  appId: string,
  search: MessageSearch,
  iterator: string | undefined,
  limit: number,
): Promise<Page<MessageRow>> {
  if (search.id) {
    const msg = await messages.get(appId, search.id);
    return { data: [msg], iterator: null, prevIterator: null, done: true };
  }
  const query = {
    iterator,
    limit,
    event_types: search.eventType
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    after: search.after ? localInputToIso(search.after) : undefined,
    before: search.before ? localInputToIso(search.before) : undefined,
  };
  if (search.endpoint) {
    return endpoints.messages(appId, search.endpoint, {
      ...query,
      status: search.status ? STATUS_NUMBER[search.status] : undefined,
    });
  }
  return messages.list(appId, query);
}
