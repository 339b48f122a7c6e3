import { Iso } from "../contract/common.js";
import type {
  PollerConsumerListOut,
  PollerConsumerPollQuery,
  PollerPollQuery,
  PollingEndpointConsumerSeekIn,
  PollingEndpointConsumerSeekOut,
  PollingEndpointOut,
} from "../contract/poller.js";
import { compileStoredFilter, payloadTextPasses } from "../lib/content-filter.js";
import { ApiError } from "../lib/errors.js";
import { idAt, idTime, lastIdAt } from "../lib/ids.js";
import { parseJson } from "../lib/json.js";
import type { PollerRepository, PollFilter } from "../store/poller-repository.js";
import type { ApplicationRow, EndpointRow } from "../store/schema.js";
import type { EndpointService } from "./endpoints.js";
import { toPollingMessageOut } from "./poller-message.js";
import type { Principal } from "./principal.js";

/** Consumers listed for one endpoint, at most (the dashboard shows them all on one page). */
const CONSUMER_LIST_LIMIT = 250;
const POSITION = /^msg_[0-9A-Za-z]{23}$/;

/**
 * Polling endpoints: an endpoint created with `polling: true` gets no deliveries; its receiver
 * pulls the application's messages (filtered by the endpoint's event types and channels) in
 * creation order through Svix's poller API.
 *
 * A position is an exclusive message-id cursor ("every message with a smaller id is behind"),
 * carried in an opaque iterator. `poll` keeps no state: the reader carries its iterator.
 * `consumerPoll` keeps one position per consumer name in the database: called without an
 * iterator it re-reads from the stored position, so a page that was not acknowledged comes
 * again (at least once); called with the iterator of the previous page it first stores that
 * iterator (acknowledging the page) and then reads on. `consumerSeek` sets the position.
 *
 * Only messages older than `safetyLagMs` are handed out (HOOKRELAY_POLLER_SAFETY_LAG_MS): ids
 * are made before their transaction commits, so a later id may become visible first, and a
 * reader that moved past it would never see the earlier one.
 *
 * @example const page = await pollers.consumerPoll(principal, "acme", "ep_…", "sync-1", { limit: 50 });
 */
export class PollerService {
  constructor(
    private readonly repo: PollerRepository,
    private readonly endpoints: Pick<EndpointService, "resolve">,
    private readonly safetyLagMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async poll(
    principal: Principal,
    appIdOrUid: string,
    sinkId: string,
    query: PollerPollQuery,
  ): Promise<PollingEndpointOut> {
    const { app, endpoint } = await this.sink(principal, appIdOrUid, sinkId);
    const start = query.iterator
      ? decodeIterator(query.iterator)
      : query.after
        ? lastIdAt("msg", new Date(query.after))
        : "";
    return this.page(app, endpoint, start, query.limit, {
      eventType: query.event_type,
      channel: query.channel,
    });
  }

  async consumerPoll(
    principal: Principal,
    appIdOrUid: string,
    sinkId: string,
    consumerId: string,
    query: PollerConsumerPollQuery,
  ): Promise<PollingEndpointOut> {
    const { app, endpoint } = await this.sink(principal, appIdOrUid, sinkId);
    const now = this.now();
    let position: string;
    if (query.iterator) {
      // Asking for the page after the previous one acknowledges the previous one.
      position = atLeast(decodeIterator(query.iterator), startOf(endpoint));
      await this.repo.setPosition(consumerRow(endpoint, consumerId, position, now));
    } else {
      const existing = await this.repo.consumer(endpoint.id, consumerId);
      position = existing?.position ?? startOf(endpoint);
      if (!existing) await this.repo.register(consumerRow(endpoint, consumerId, position, now));
    }
    return this.page(app, endpoint, position, query.limit, {});
  }

  async consumerSeek(
    principal: Principal,
    appIdOrUid: string,
    sinkId: string,
    consumerId: string,
    input: PollingEndpointConsumerSeekIn,
  ): Promise<PollingEndpointConsumerSeekOut> {
    const { endpoint } = await this.sink(principal, appIdOrUid, sinkId);
    const position = atLeast(lastIdAt("msg", new Date(input.after)), startOf(endpoint));
    await this.repo.setPosition(consumerRow(endpoint, consumerId, position, this.now()));
    return { iterator: encodeIterator(position) };
  }

  /** The consumers of a polling endpoint and their positions (Hookrelay; the dashboard shows them). */
  async consumers(principal: Principal, appIdOrUid: string, sinkId: string): Promise<PollerConsumerListOut> {
    const { endpoint } = await this.sink(principal, appIdOrUid, sinkId);
    const rows = await this.repo.consumers(endpoint.id, CONSUMER_LIST_LIMIT);
    return {
      data: rows.map((r) => ({
        consumerId: r.consumer_id,
        position: r.position,
        positionTime: Iso(idTime(r.position) ?? r.created_at),
        createdAt: Iso(r.created_at),
        updatedAt: Iso(r.updated_at),
      })),
    };
  }

  /** The polling endpoint named in the path; any other endpoint, or another tenant's, is a 404. */
  private async sink(
    principal: Principal,
    appIdOrUid: string,
    sinkId: string,
  ): Promise<{ app: ApplicationRow; endpoint: EndpointRow }> {
    const found = await this.endpoints.resolve(principal, appIdOrUid, sinkId);
    if (found.endpoint.polling !== 1) throw ApiError.notFound("Polling endpoint");
    return found;
  }

  private async page(
    app: ApplicationRow,
    endpoint: EndpointRow,
    position: string,
    limit: number,
    extra: Pick<PollFilter, "eventType" | "channel">,
  ): Promise<PollingEndpointOut> {
    const from = atLeast(position, startOf(endpoint));
    const filter: PollFilter = {
      appId: app.id,
      eventTypes: parseJson<string[] | null>(endpoint.event_types, null),
      channels: parseJson<string[] | null>(endpoint.channels, null),
      ...extra,
    };
    const cutoff = this.now() - this.safetyLagMs;
    const rows = await this.repo.read(filter, from, idAt("msg", new Date(cutoff)), limit + 1);
    const data = rows.slice(0, limit);
    const done = rows.length <= limit;
    // Caught up, the next read starts at the cutoff: everything before it has committed (that is
    // what the lag is for) and none of it matched, so a reader whose filter matches rarely does
    // not rescan the same stretch of the application's messages at every poll.
    const next = done ? atLeast(lastIdAt("msg", new Date(cutoff - 1)), from) : data.at(-1)!.id;
    // The content filter needs the payload, so it applies after the read: the iterator still
    // moves past what it refused, and a page may hold fewer than `limit` with `done` false.
    const contentFilter = endpoint.content_filter ? compileStoredFilter(endpoint.content_filter) : null;
    const passed = contentFilter ? data.filter((row) => payloadTextPasses(contentFilter, row.payload)) : data;
    return {
      data: passed.map(toPollingMessageOut),
      iterator: encodeIterator(next),
      done,
    };
  }
}

/** Where an endpoint's stream begins: the messages created from its creation on, as Svix's. */
function startOf(endpoint: EndpointRow): string {
  return lastIdAt("msg", new Date(endpoint.created_at - 1));
}

function atLeast(position: string, floor: string): string {
  return position > floor ? position : floor;
}

function consumerRow(endpoint: EndpointRow, consumerId: string, position: string, now: number) {
  return {
    endpoint_id: endpoint.id,
    consumer_id: consumerId,
    app_id: endpoint.app_id,
    position,
    created_at: now,
    updated_at: now,
  };
}

/**
 * An iterator: the position, opaque to the reader (base64url JSON, room to grow).
 *
 * @example decodeIterator(encodeIterator("msg_…")) // "msg_…"
 */
export function encodeIterator(position: string): string {
  return Buffer.from(JSON.stringify({ p: position })).toString("base64url");
}

export function decodeIterator(iterator: string): string {
  let p: unknown;
  try {
    p = (JSON.parse(Buffer.from(iterator, "base64url").toString("utf8")) as { p?: unknown } | null)?.p;
  } catch {
    p = undefined;
  }
  if (typeof p !== "string" || !POSITION.test(p)) {
    throw ApiError.badRequest("The iterator is not one this polling endpoint handed out", "invalid_iterator");
  }
  return p;
}
