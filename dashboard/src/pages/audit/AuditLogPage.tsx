import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { audit, type AuditQuery } from "../../api/resources";
import type { AuditLogOut } from "../../api/types";
import { useList } from "../../api/useList";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { Table, Td, Th } from "../../components/Table";
import { formatDate } from "../../lib/format";
import { AuditExportButton, VerifyResult } from "./AuditActions";
import { describeChanges } from "./auditCsv";
import { AuditFilters } from "./AuditFilters";

/** Who changed what: every administrative change, newest first, with its before → after. */
export function AuditLogPage() {
  const [filters, setFilters] = useState<AuditQuery>({});
  const verify = useMutation({ mutationFn: () => audit.verify() });
  const list = useList(["audit-log", filters], (iterator) => audit.list({ ...filters, iterator, limit: 50 }));
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made through the API, this dashboard or the CLI, with who made it and what changed. Secrets are never shown. Each row is chained to the previous one by its hash."
        actions={
          <>
            <AuditExportButton filters={filters} />
            <Button size="sm" onClick={() => verify.mutate()} busy={verify.isPending}>
              Verify chain
            </Button>
          </>
        }
      />
      <VerifyResult verify={verify} />
      <AuditFilters value={filters} onApply={setFilters} />
      <Card flush>
        {list.isPending && <Loading />}
        {list.isError && (
          <div className="p-5">
            <ErrorState error={list.error} what="the audit log" onRetry={() => void list.refetch()} />
          </div>
        )}
        {list.isSuccess && list.items.length === 0 && <EmptyState title="No audit entries match" />}
        {list.items.length > 0 && (
          <>
            <Table label="Audit log">
              <thead>
                <tr>
                  <Th>Time</Th>
                  <Th>Actor</Th>
                  <Th>Action</Th>
                  <Th>Resource</Th>
                  <Th>Changes</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.items.map((row) => (
                  <AuditRow key={row.seq} row={row} />
                ))}
              </tbody>
            </Table>
            <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
          </>
        )}
      </Card>
    </>
  );
}

function AuditRow({ row }: { row: AuditLogOut }) {
  const lines = describeChanges(row.changes);
  return (
    <tr className="align-top hover:bg-slate-50">
      <Td className="whitespace-nowrap">
        {formatDate(row.at)}
        <div className="text-xs text-slate-500">#{row.seq}</div>
      </Td>
      <Td>
        <div className="font-medium">{row.actor.name}</div>
        <div className="font-mono text-xs text-slate-500">
          {row.actor.type}
          {row.actor.id ? ` · ${row.actor.id}` : ""}
          {row.ip ? ` · ${row.ip}` : ""}
        </div>
      </Td>
      <Td className="font-mono text-xs">{row.action}</Td>
      <Td className="font-mono text-xs">
        {row.resourceId ?? "—"}
        {row.appId && row.appId !== row.resourceId && <div className="text-slate-500">{row.appId}</div>}
      </Td>
      <Td className="max-w-md">
        {lines.length === 0 ? (
          <span className="text-xs text-slate-500">—</span>
        ) : (
          <details>
            <summary className="cursor-pointer text-xs text-slate-700">
              {lines.length === 1 ? "1 field" : `${lines.length} fields`}:{" "}
              {Object.keys(row.changes).join(", ")}
            </summary>
            <ul className="mt-1 space-y-0.5 font-mono text-xs break-all text-slate-600">
              {lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </details>
        )}
      </Td>
    </tr>
  );
}
