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
import { formatDate } from "../../lib/format";
import { CreateTokenDialog } from "./CreateTokenDialog";

export function TokensPage() {
  const [creating, setCreating] = useState(false);
  const list = useList(["tokens"], (iterator) => tokens.list({ iterator, limit: 50 }));
  const add = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      New token
    </Button>
  );
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens authenticate API calls and this dashboard. A token scoped to an application sees only that application."
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
                  <Th>ID</Th>
                  <Th>Scope</Th>
                  <Th>Created</Th>
                  <Th>Expires</Th>
                  <Th className="text-right">Action</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.items.map((t) => (
                  <TokenRow key={t.id} token={t} />
                ))}
              </tbody>
            </Table>
            <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
          </>
        )}
      </Card>
      <CreateTokenDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function TokenRow({ token: t }: { token: TokenOut }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => tokens.revoke(t.id),
    onSuccess: () => client.invalidateQueries({ queryKey: ["tokens"] }),
  });
  return (
    <tr className="hover:bg-slate-50">
      <Td className="font-medium">{t.name}</Td>
      <Td className="font-mono text-xs">{t.id}</Td>
      <Td>
        {t.appId ? (
          <span className="font-mono text-xs">{t.appId}</span>
        ) : (
          <span className="text-xs text-slate-500">All applications</span>
        )}
      </Td>
      <Td className="whitespace-nowrap">{formatDate(t.createdAt)}</Td>
      <Td>{t.expiresAt ? formatDate(t.expiresAt) : "Never"}</Td>
      <Td className="text-right">
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
