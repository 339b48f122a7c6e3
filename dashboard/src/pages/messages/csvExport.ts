import { type CsvValue, toCsv } from "../../lib/csv";
import { statusName } from "../../lib/status";
import type { MessageRow } from "./messageQuery";

export const CSV_HEADER = [
  "id",
  "eventType",
  "eventId",
  "timestamp",
  "status",
  "nextAttempt",
  "channels",
  "payload",
] as const;

/** The CSV of a message list: one row per message, the payload as compact JSON. */
export function messagesToCsv(rows: MessageRow[]): string {
  const lines: CsvValue[][] = rows.map((m) => [
    m.id,
    m.eventType,
    m.eventId ?? "",
    m.timestamp,
    m.status === undefined ? "" : statusName(m.status),
    m.nextAttempt ?? "",
    (m.channels ?? []).join(" "),
    JSON.stringify(m.payload ?? {}),
  ]);
  return toCsv(CSV_HEADER, lines);
}
