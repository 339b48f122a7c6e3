import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { tokens } from "../../api/resources";
import type { TokenOut } from "../../api/types";
import { useList } from "../../api/useList";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ActionError, ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { Table, Td, Th } from "../../components/Table";
import { formatDate, formatRelative } from "../../lib/format";
import { CreateTokenDialog } from "./CreateTokenDialog";
import { RotateTokenDialog } from "./RotateTokenDialog";

export function TokensPage() {
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<TokenOut | null>(null);
  const list = useList(["tokens"], (iterator) => tokens.list({ iterator, limit: 50 }));
  const add = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      New key
    </Button>
  );
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Keys authenticate API calls and this dashboard; each holds scopes, for all applications or one, optionally only from listed addresses. Portal sessions are listed too."
        actions={add}
      />
      <Card flush>
        {list.isPending && <Loading />}
        {list.isError && (
          <div className="p-5">
            <ErrorState error={list.error} what="API tokens" onRetry={() => void list.refetch()} />
          </div>
        )}
        {list.isSuccess && list.items.length === 0 && <EmptyState title="No tokens" action={add} />}
        {list.items.length > 0 && (
          <>
            <Table label="API tokens">
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th>Applications</Th>
                  <Th>Scopes</Th>
                  <Th>Allowed from</Th>
                  <Th>Last used</Th>
                  <Th>Expires</Th>
                  <Th className="text-right">Action</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.items.map((t) => (
                  <TokenRow key={t.id} token={t} onRotate={() => setRotating(t)} />
                ))}
              </tbody>
            </Table>
            <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
          </>
        )}
      </Card>
      <CreateTokenDialog open={creating} onClose={() => setCreating(false)} />
      <RotateTokenDialog token={rotating} onClose={() => setRotating(null)} />
    </>
  );
}

function TokenRow({ token: t, onRotate }: { token: TokenOut; onRotate: () => void }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => tokens.revoke(t.id),
    onSuccess: () => client.invalidateQueries({ queryKey: ["tokens"] }),
  });
  return (
    <tr className="hover:bg-slate-50">
      <Td>
        <div className="font-medium">{t.name}</div>
        <div className="font-mono text-xs text-slate-500">
          {t.id}
          {t.kind === "portal" && ` · portal${t.readOnly ? ", read-only" : ""}`}
        </div>
      </Td>
      <Td>
        {t.appId ? (
          <span className="font-mono text-xs">{t.appId}</span>
        ) : (
          <span className="text-xs text-slate-500">All applications</span>
        )}
      </Td>
      <Td className="font-mono text-xs">{t.scopes.join(" ")}</Td>
      <Td className="font-mono text-xs">
        {t.allowedIps?.join(", ") ?? <span className="font-sans text-slate-500">Anywhere</span>}
      </Td>
      <Td className="whitespace-nowrap text-xs" title={t.lastUsedAt ? formatDate(t.lastUsedAt) : undefined}>
        {t.lastUsedAt ? `${formatRelative(t.lastUsedAt)} from ${t.lastUsedIp ?? "?"}` : "Never"}
        <div className="text-slate-500">{t.requestCount.toLocaleString()} requests</div>
      </Td>
      <Td className="whitespace-nowrap">
        {t.expiresAt ? formatDate(t.expiresAt) : "Never"}
        {t.previousExpiresAt && Date.parse(t.previousExpiresAt) > Date.now() && (
          <div className="text-xs text-slate-500">old secret until {formatDate(t.previousExpiresAt)}</div>
        )}
      </Td>
      <Td className="text-right whitespace-nowrap">
        {t.kind === "key" && (
          <Button size="sm" onClick={onRotate} className="mr-2">
            Rotate
          </Button>
        )}
        <Button
          size="sm"
          variant="danger"
          busy={revoke.isPending}
          onClick={() =>
            window.confirm(`Revoke token "${t.name}"? Clients using it stop working.`) && revoke.mutate()
          }
        >
          Revoke
        </Button>
        <ActionError error={revoke.error} />
      </Td>
    </tr>
  );
}
