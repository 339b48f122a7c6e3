import { messages } from "../../api/resources";
import type { QueueItem } from "../../api/types";

/** Resends each queued delivery to its endpoint, one call at a time. */
export async function replayAll(
  appId: string,
  items: QueueItem[],
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (const item of items) {
    try {
      await messages.resend(appId, item.msgId, item.endpointId);
      sent++;
    } catch {
      failed++;
    }
  }
  return { sent, failed };
}
