import { endpoints, messages } from "../../api/resources";
import type { TaskStart } from "../../api/types";
import { localInputToIso } from "../../lib/format";
import { type MessageSearch, STATUS_NUMBER } from "./search";

export interface BulkResult {
  sent: number;
  skipped: number;
  failed: { msgId: string; error: unknown }[];
}

/**
 * Resends each message of a hand-picked selection, one call per message and destination (the
 * API has no resend by a list of ids; a whole filtered view goes through {@link replayMatching}).
 * With an endpoint it resends to that endpoint; otherwise to every destination the message
 * was attempted at, or only to the failed ones when `onlyFailed`.
 */
export async function bulkResend(
  appId: string,
  msgIds: string[],
  opts: {
    endpointId?: string;
    onlyFailed: boolean;
    onProgress?: (done: number) => void;
    signal?: AbortSignal;
  },
): Promise<BulkResult> {
  const result: BulkResult = { sent: 0, skipped: 0, failed: [] };
  let done = 0;
  for (const msgId of msgIds) {
    if (opts.signal?.aborted) break;
    try {
      let targets: string[];
      if (opts.endpointId) targets = [opts.endpointId];
      else {
        const dests = await messages.destinations(appId, msgId);
        targets = dests.data.filter((d) => !opts.onlyFailed || d.status === 2).map((d) => d.id);
      }
      if (targets.length === 0) result.skipped++;
      for (const ep of targets) {
        await messages.resend(appId, msgId, ep);
        result.sent++;
      }
    } catch (error) {
      result.failed.push({ msgId, error });
    }
    opts.onProgress?.(++done);
  }
  return result;
}

/**
 * Replays every message to `endpointId` that the messages view's filters match (event types,
 * delivery status, time range), as one server-side background task (`bulk-replay`): any number
 * of messages, batched by the worker, resumable after a restart. Without a lower bound the
 * range starts at the epoch.
 */
export function replayMatching(appId: string, endpointId: string, search: MessageSearch): Promise<TaskStart> {
  const eventTypes = search.eventType?.split(",").map((t) => t.trim()).filter(Boolean);
  return endpoints.bulkReplay(appId, endpointId, {
    since: (search.after && localInputToIso(search.after)) || new Date(0).toISOString(),
    until: (search.before && localInputToIso(search.before)) || undefined,
    eventTypes: eventTypes?.length ? eventTypes : undefined,
    status: search.status ? (STATUS_NUMBER[search.status] as 0 | 1 | 2 | 3) : undefined,
  });
}
