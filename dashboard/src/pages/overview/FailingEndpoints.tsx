import { Link } from "@tanstack/react-router";

import type { FailingEndpoint } from "../../api/types";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
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
              <Th>Last status</Th>
              <Th>Failing since</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {endpoints.map((ep) => (
              <tr key={ep.endpointId}>
                <Td className="max-w-md truncate">
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
                <Td className="font-mono text-xs">{ep.appId}</Td>
                <Td className="text-right tabular-nums">{formatCount(ep.failures)}</Td>
                <Td>
                  <HttpCode code={ep.lastStatusCode} />
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
