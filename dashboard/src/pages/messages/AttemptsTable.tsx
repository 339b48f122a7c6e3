import { Link } from "@tanstack/react-router";
import { Fragment, useState } from "react";

import type { MessageAttemptOut } from "../../api/types";
import { Button } from "../../components/Button";
import { FailureReason } from "../../components/FailureReason";
import { HttpCode, StatusBadge } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";
import { formatDate, formatMs } from "../../lib/format";
import { AttemptDetails } from "./AttemptDetails";

/** Attempts with an expandable row showing the response body. */
export function AttemptsTable({
  appId,
  attempts,
  showMessage,
}: {
  appId: string;
  attempts: MessageAttemptOut[];
  showMessage?: boolean;
}) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Table label="Delivery attempts">
      <thead>
        <tr>
          <Th>Status</Th>
          <Th>Result</Th>
          <Th>{showMessage ? "Message" : "Endpoint"}</Th>
          <Th className="text-right">Duration</Th>
          <Th>Time</Th>
          <Th className="text-right">
            <span className="sr-only">Details</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {attempts.map((a) => (
          <Fragment key={a.id}>
            <tr className="hover:bg-slate-50" data-attempt-status={a.status}>
              <Td>
                <StatusBadge status={a.status} />
              </Td>
              <Td className="max-w-[12rem]">
                {a.responseStatusCode !== 0 && <HttpCode code={a.responseStatusCode} />}
                {a.status !== 0 && (
                  <FailureReason
                    code={a.responseStatusCode}
                    response={a.response}
                    className="max-w-[11rem]"
                  />
                )}
              </Td>
              <Td className="max-w-[8rem] truncate" title={showMessage ? a.msgId : a.url}>
                {showMessage ? (
                  <Link
                    to="/apps/$appId/messages/$msgId"
                    params={{ appId, msgId: a.msgId }}
                    className="font-mono text-xs text-indigo-700 hover:underline"
                  >
                    {a.msgId}
                  </Link>
                ) : (
                  <span className="text-xs">{a.url}</span>
                )}
              </Td>
              <Td className="text-right tabular-nums">{formatMs(a.responseDurationMs)}</Td>
              <Td className="whitespace-nowrap">
                {formatDate(a.timestamp)}
                {/* The trigger under the time rather than in a column of its own: one column less to fit. */}
                <span className="block text-xs text-slate-500">
                  {a.triggerType === 1 ? "Manual" : "Scheduled"}
                </span>
              </Td>
              <Td className="text-right">
                <Button
                  size="sm"
                  variant="ghost"
                  aria-expanded={open === a.id}
                  onClick={() => setOpen(open === a.id ? null : a.id)}
                >
                  {open === a.id ? "Hide" : "Response"}
                </Button>
              </Td>
            </tr>
            {open === a.id && (
              <tr>
                <td colSpan={6} className="bg-slate-50 px-4 py-3">
                  <AttemptDetails attempt={a} />
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </Table>
  );
}
