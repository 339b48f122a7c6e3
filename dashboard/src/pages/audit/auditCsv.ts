import type { AuditLogOut } from "../../api/types";
import { type CsvValue, toCsv } from "../../lib/csv";

export const AUDIT_CSV_HEADER = [
  "seq",
  "at",
  "actorType",
  "actorId",
  "actorName",
  "actorAppId",
  "ip",
  "requestId",
  "action",
  "appId",
  "resourceId",
  "changes",
  "hash",
] as const;

/** The CSV of audit rows: one line each, the changes as compact JSON (secrets already masked). */
export function auditToCsv(rows: AuditLogOut[]): string {
  const lines: CsvValue[][] = rows.map((r) => [
    r.seq,
    r.at,
    r.actor.type,
    r.actor.id ?? "",
    r.actor.name,
    r.actor.appId ?? "",
    r.ip ?? "",
    r.requestId ?? "",
    r.action,
    r.appId ?? "",
    r.resourceId ?? "",
    JSON.stringify(r.changes),
    r.hash,
  ]);
  return toCsv(AUDIT_CSV_HEADER, lines);
}

/** One line per changed field: `url: "a" → "b"`. */
export function describeChanges(changes: AuditLogOut["changes"]): string[] {
  return Object.entries(changes).map(
    ([field, c]) => `${field}: ${JSON.stringify(c.before ?? null)} → ${JSON.stringify(c.after ?? null)}`,
  );
}
