import { deliveryStatusName } from "../../../server/src/contract/delivery-status";

/** Labels of every status the dashboard shows: deliveries (Svix's names) and inbound verdicts. */
export const STATUS_LABELS: Record<string, string> = {
  success: "Succeeded",
  pending: "Pending",
  fail: "Failed",
  sending: "Sending",
  accepted: "Accepted",
  rejected: "Rejected",
  duplicate: "Duplicate",
};

/**
 * The name of a status: a Svix delivery status number through the server's one map, a name as
 * it is, "unknown" for anything else.
 *
 * @example statusName(2) // "fail"; statusName("rejected") // "rejected"
 */
export function statusName(status: number | string | undefined | null): string {
  if (typeof status === "number") return deliveryStatusName(status) ?? "unknown";
  return status ?? "unknown";
}
