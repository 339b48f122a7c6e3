import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";

import { messages } from "../../api/resources";
import type { QueueItem } from "../../api/types";
import { Button } from "../../components/Button";
import { ActionError } from "../../components/ErrorState";
import { HttpCode, StatusBadge } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";
import { Writable } from "../../components/Writable";
import { formatDate, formatRelative } from "../../lib/format";

export function QueueTable({
  appId,
  items,
  canReplay,
}: {
  appId: string;
  items: QueueItem[];
  canReplay: boolean;
}) {
  return (
    <Table label="Queued deliveries">
      <thead>
        <tr>
          <Th>Message</Th>
          <Th>Endpoint</Th>
          <Th>Status</Th>
          <Th className="text-right">Attempts</Th>
          <Th>Last code</Th>
          <Th>Next due</Th>
          <Th>Updated</Th>
          {canReplay && <Th className="text-right">Action</Th>}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {items.map((item) => (
          <QueueRow
            key={`${item.msgId}:${item.endpointId}`}
            appId={appId}
            item={item}
            canReplay={canReplay}
          />
        ))}
      </tbody>
    </Table>
  );
}

function QueueRow({ appId, item, canReplay }: { appId: string; item: QueueItem; canReplay: boolean }) {
  const client = useQueryClient();
  const replay = useMutation({
    mutationFn: () => messages.resend(appId, item.msgId, item.endpointId),
    onSuccess: () => client.invalidateQueries({ queryKey: ["queue", appId] }),
  });
  return (
    <tr className="hover:bg-slate-50">
      <Td>
        <Link
          to="/apps/$appId/messages/$msgId"
          params={{ appId, msgId: item.msgId }}
          className="font-mono text-xs text-indigo-700 hover:underline"
        >
          {item.msgId}
        </Link>
        <div>
          <code className="text-xs whitespace-nowrap text-slate-500">{item.eventType}</code>
        </div>
      </Td>
      <Td className="max-w-xs truncate">
        <Link
          to="/apps/$appId/endpoints/$endpointId"
          params={{ appId, endpointId: item.endpointId }}
          className="text-xs hover:underline"
        >
          {item.endpointUrl ?? item.endpointId}
        </Link>
      </Td>
      <Td>
        <StatusBadge status={item.statusText || item.status} />
      </Td>
      <Td className="text-right tabular-nums">{item.attempts}</Td>
      <Td>
        <HttpCode code={item.lastStatusCode} />
      </Td>
      <Td title={item.nextAttempt ?? undefined}>
        {item.nextAttempt ? formatRelative(item.nextAttempt) : "—"}
      </Td>
      <Td className="whitespace-nowrap" title={formatDate(item.updatedAt)}>
        {formatRelative(item.updatedAt)}
      </Td>
      {canReplay && (
        <Td className="text-right">
          <Writable>
            <Button
              size="sm"
              onClick={() => replay.mutate()}
              busy={replay.isPending}
              aria-label={`Replay ${item.msgId} to ${item.endpointUrl ?? item.endpointId}`}
            >
              {replay.isSuccess ? "Replayed" : "Replay"}
            </Button>
          </Writable>
          <ActionError error={replay.error} />
        </Td>
      )}
    </tr>
  );
}
