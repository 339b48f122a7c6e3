import type { Period } from "../api/types";

/** Tick labels for a time axis: clock time within a day, day and hour across a week. */
export function timeTick(period: Period | "month") {
  return (value: string | number): string => {
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return String(value);
    if (period === "hour" || period === "day")
      return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    return d.toLocaleDateString(undefined, {
      month: "short",
      day: "numeric",
      hour: period === "week" ? "2-digit" : undefined,
    });
  };
}

export function tooltipTime(value: unknown): string {
  const d = new Date(String(value));
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

export const CHART_COLORS = {
  success: "#10b981",
  fail: "#ef4444",
  messages: "#6366f1",
  p50: "#0ea5e9",
  p95: "#8b5cf6",
  grid: "#e2e8f0",
  axis: "#64748b",
};
