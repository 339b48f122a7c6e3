import { Link } from "@tanstack/react-router";

import type { FailingEndpoint } from "../../api/types";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { FailureReason } from "../../components/FailureReason";
import { HttpCode, StatusBadge } from "../../components/StatusBadge";
import { Table, Td, Th } from "../../components/Table";
import { formatCount, formatRelative } from "../../lib/format";

export function FailingEndpoints({ endpoints }: { endpoints: FailingEndpoint[] }) {
  return (
    <Card title="Failing endpoints" description="Endpoints whose most recent attempts failed" flush>
      {endpoints.length === 0 ? (
        <EmptyState title="No failing endpoints">Every endpoint's latest attempts succeeded.</EmptyState>
      ) : (
        <Table label="Failing endpoints">
          <thead>
            <tr>
              <Th>Endpoint</Th>
              <Th>Application</Th>
              <Th className="text-right">Failures</Th>
              <Th>Last error</Th>
              <Th>Failing since</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {endpoints.map((ep) => (
              <tr key={ep.endpointId}>
                <Td className="max-w-sm truncate" title={ep.url}>
                  <Link
                    to="/apps/$appId/endpoints/$endpointId"
                    params={{ appId: ep.appId, endpointId: ep.endpointId }}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {ep.url}
                  </Link>
                  {ep.disabled && (
                    <span className="ml-2">
                      <StatusBadge status="disabled" label="Disabled" />
                    </span>
                  )}
                </Td>
                <Td className="max-w-[12rem] truncate" title={ep.appId}>
                  <Link to="/apps/$appId" params={{ appId: ep.appId }} className="hover:underline">
                    {ep.appName}
                  </Link>
                </Td>
                <Td className="text-right tabular-nums">{formatCount(ep.failures)}</Td>
                <Td className="max-w-[20rem]">
                  {ep.lastStatusCode ? <HttpCode code={ep.lastStatusCode} /> : null}
                  <FailureReason code={ep.lastStatusCode} response={ep.lastError} />
                </Td>
                <Td title={ep.since}>{formatRelative(ep.since)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
