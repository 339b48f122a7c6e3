import { useState } from "react";

import { useList } from "../../api/useList";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { LoadMore } from "../../components/LoadMore";
import { Writable } from "../../components/Writable";
import { BulkResendDialog } from "./BulkResendDialog";
import { ExportCsvButton } from "./ExportCsvButton";
import { MessageFilters } from "./MessageFilters";
import { fetchMessagePage } from "./messageQuery";
import { MessagesTable } from "./MessagesTable";
import { hasFilters, type MessageSearch } from "./search";

/** Search messages, export them as CSV and resend a selection; the list refreshes every 5 s. */
export function MessagesPage({ appId, search }: { appId: string; search: MessageSearch }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [resending, setResending] = useState(false);
  const list = useList(
    ["messages", appId, search],
    (iterator) => fetchMessagePage(appId, search, iterator, 50),
    { refetchInterval: 5_000 },
  );
  const selection = list.items.filter((m) => selected.has(m.id));

  return (
    <div className="space-y-4">
      <MessageFilters
        key={JSON.stringify(search)}
        appId={appId}
        search={search}
        onChange={() => setSelected(new Set())}
      />
      <Card
        flush
        title="Messages"
        description={
          search.endpoint
            ? "Delivery status shown for the selected endpoint"
            : "Newest first; pick an endpoint to see and filter delivery status"
        }
        actions={
          <>
            <Writable>
              <Button size="sm" onClick={() => setResending(true)} disabled={selection.length === 0}>
                Resend selected ({selection.length})
              </Button>
            </Writable>
            <ExportCsvButton appId={appId} search={search} />
          </>
        }
      >
        {list.isPending && <Loading label="Searching messages…" />}
        {list.isError && (
          <div className="p-5">
            <ErrorState error={list.error} what="messages" onRetry={() => void list.refetch()} />
          </div>
        )}
        {list.isSuccess && list.items.length === 0 && (
          <EmptyState title={hasFilters(search) ? "No messages match these filters" : "No messages yet"}>
            {hasFilters(search)
              ? "Try a wider date range or fewer filters."
              : "Messages appear here as soon as your application sends them."}
          </EmptyState>
        )}
        {list.items.length > 0 && (
          <>
            <MessagesTable
              appId={appId}
              rows={list.items}
              selected={selected}
              onSelect={setSelected}
              showStatus={Boolean(search.endpoint)}
            />
            <LoadMore {...list} hasNextPage={list.hasNextPage} count={list.items.length} />
          </>
        )}
      </Card>
      <BulkResendDialog
        open={resending}
        onClose={() => setResending(false)}
        appId={appId}
        messageIds={selection.map((m) => m.id)}
        endpointId={search.endpoint}
        search={search}
        onDone={() => setSelected(new Set())}
      />
    </div>
  );
}
