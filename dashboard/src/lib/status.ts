import type { MessageStatus } from "../api/types";

/** Svix MessageStatus numbers and their names, in the order Svix defines them. */
export const STATUS_NAMES: Record<MessageStatus, "success" | "pending" | "fail" | "sending"> = {
  0: "success",
  1: "pending",
  2: "fail",
  3: "sending",
};

export const STATUS_LABELS: Record<string, string> = {
  success: "Succeeded",
  pending: "Pending",
  fail: "Failed",
  sending: "Sending",
  accepted: "Accepted",
  rejected: "Rejected",
  duplicate: "Duplicate",
};

export function statusName(status: number | string | undefined | null): string {
  if (typeof status === "number") return STATUS_NAMES[status as MessageStatus] ?? "unknown";
  return status ?? "unknown";
}
