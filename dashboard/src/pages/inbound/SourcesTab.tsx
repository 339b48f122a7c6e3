import { Link } from "@tanstack/react-router";
import { useState } from "react";

import { sources } from "../../api/resources";
import { useList } from "../../api/useList";
import { useReadOnly } from "../../auth/useSession";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { CopyButton } from "../../components/CopyButton";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { Table, Td, Th } from "../../components/Table";
import { formatDate } from "../../lib/format";
import { CreateSourceDialog } from "./CreateSourceDialog";
import { providerLabel } from "./providers";

/** Inbound sources of one application: providers that send webhooks *to* Hookrelay. */
export function SourcesTab({ appId }: { appId: string }) {
  const [creating, setCreating] = useState(false);
  const readOnly = useReadOnly();
  const list = useList(["sources", appId], (iterator) => sources.list(appId, { iterator, limit: 50 }));
  const add = readOnly ? null : (
    <Button variant="primary" size="sm" onClick={() => setCreating(true)}>
      Add source
    </Button>
  );
  return (
    <>
      <Card
        title="Inbound sources"
        description="Verified webhooks received from providers become messages of this application"
        actions={add}
        flush
      >
        {list.isPending && <Loading />}
        {list.isError && (
          <div className="p-5">
            <ErrorState error={list.error} what="inbound sources" onRetry={() => void list.refetch()} />
          </div>
        )}
        {list.isSuccess && list.items.length === 0 && (
          <EmptyState title="No inbound sources" action={add}>
            Add a source to receive and verify webhooks from Careem, Talabat, Stripe, GitHub and others.
          </EmptyState>
        )}
        {list.items.length > 0 && (
          <>
            <Table label="Inbound sources">
              <thead>
                <tr>
                  <Th>Name</Th>
                  <Th>Provider</Th>
                  <Th>Ingest URL</Th>
                  <Th>Created</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.items.map((src) => (
                  <tr key={src.id} className="hover:bg-slate-50">
                    <Td>
                      <Link
                        to="/apps/$appId/sources/$sourceId"
                        params={{ appId, sourceId: src.id }}
                        className="font-medium text-indigo-700 hover:underline"
                      >
                        {src.name}
                      </Link>
                    </Td>
                    <Td>{providerLabel(src.provider)}</Td>
                    <Td>
                      <div className="flex items-center gap-2">
                        <code className="max-w-md truncate text-xs">{src.ingestUrl}</code>
                        <CopyButton text={src.ingestUrl} />
                      </div>
                    </Td>
                    <Td className="whitespace-nowrap">{formatDate(src.createdAt)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
          </>
        )}
      </Card>
      <CreateSourceDialog appId={appId} open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
