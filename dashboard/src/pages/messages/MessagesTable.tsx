import { Link } from "@tanstack/react-router";

import { StatusBadge } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";
import { formatDate, formatRelative } from "../../lib/format";
import type { MessageRow } from "./messageQuery";

interface Props {
  appId: string;
  rows: MessageRow[];
  selected: Set<string>;
  onSelect: (next: Set<string>) => void;
  showStatus: boolean;
}

export function MessagesTable({ appId, rows, selected, onSelect, showStatus }: Props) {
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  return (
    <Table label="Messages">
      <thead>
        <tr>
          <Th className="w-8">
            <input
              type="checkbox"
              aria-label="Select all loaded messages"
              className="accent-indigo-600"
              checked={allSelected}
              onChange={() => onSelect(allSelected ? new Set() : new Set(rows.map((r) => r.id)))}
            />
          </Th>
          <Th>Message</Th>
          <Th>Event type</Th>
          {showStatus && <Th>Status</Th>}
          {showStatus && <Th>Next attempt</Th>}
          <Th>Created</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((m) => (
          <tr key={m.id} className="hover:bg-slate-50" data-msg-id={m.id}>
            <Td>
              <input
                type="checkbox"
                aria-label={`Select ${m.id}`}
                className="accent-indigo-600"
                checked={selected.has(m.id)}
                onChange={() => toggle(m.id)}
              />
            </Td>
            <Td>
              <Link
                to="/apps/$appId/messages/$msgId"
                params={{ appId, msgId: m.id }}
                className="font-mono text-xs font-medium text-indigo-700 hover:underline"
              >
                {m.id}
              </Link>
              {m.eventId && <div className="text-xs text-slate-400">event id {m.eventId}</div>}
            </Td>
            <Td>
              <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{m.eventType}</code>
            </Td>
            {showStatus && (
              <Td>
                <StatusBadge status={m.status} />
              </Td>
            )}
            {showStatus && <Td title={m.nextAttempt ?? undefined}>{formatRelative(m.nextAttempt)}</Td>}
            <Td className="whitespace-nowrap" title={m.timestamp}>
              {formatDate(m.timestamp)}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
