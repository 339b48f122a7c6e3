import { messages } from "../../api/resources";

export interface BulkResult {
  sent: number;
  skipped: number;
  failed: { msgId: string; error: unknown }[];
}

/**
 * Resends each message, one call per message and destination (the API has no bulk resend).
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
