import { describe, expect, it } from "vitest";

import type { AuditLogOut } from "../../api/types";
import { parseCsv } from "../../lib/csv";
import { AUDIT_CSV_HEADER, auditToCsv, describeChanges } from "./auditCsv";

const row: AuditLogOut = {
  seq: 7,
  at: "2026-01-01T00:00:00.000Z",
  actor: { type: "key", id: "tok_1", name: "ops, main", appId: null },
  ip: "127.0.0.1",
  requestId: "req-3",
  action: "endpoint.update",
  appId: "app_1",
  resourceId: "ep_1",
  changes: {
    url: { before: "https://a", after: "https://b" },
    headers: { before: null, after: { X: "****" } },
  },
  prevHash: "0".repeat(64),
  hash: "a".repeat(64),
};

describe("auditToCsv", () => {
  it("writes one row per entry, the changes as JSON", () => {
    const rows = parseCsv(auditToCsv([row]));
    expect(rows[0]).toEqual([...AUDIT_CSV_HEADER]);
    expect(rows[1]).toEqual([
      "7",
      "2026-01-01T00:00:00.000Z",
      "key",
      "tok_1",
      "ops, main",
      "",
      "127.0.0.1",
      "req-3",
      "endpoint.update",
      "app_1",
      "ep_1",
      JSON.stringify(row.changes),
      "a".repeat(64),
    ]);
  });

  it("describes each changed field before → after", () => {
    expect(describeChanges(row.changes)).toEqual([
      'url: "https://a" → "https://b"',
      'headers: null → {"X":"****"}',
    ]);
  });
});
