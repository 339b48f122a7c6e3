import type { InboundStats } from "../../api/types";
import { Table, Td, Th } from "../../components/Table";
import { formatCount } from "../../lib/format";
import { providerLabel } from "./providers";

export function ByProviderTable({ byProvider }: { byProvider: InboundStats["byProvider"] }) {
  const rows = Object.entries(byProvider).sort((a, b) => b[1].total - a[1].total);
  return (
    <div>
      <h3 className="mb-2 text-xs font-medium text-slate-500">By provider</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">No requests.</p>
      ) : (
        <Table label="Inbound requests by provider">
          <thead>
            <tr>
              <Th>Provider</Th>
              <Th className="text-right">Total</Th>
              <Th className="text-right">Accepted</Th>
              <Th className="text-right">Rejected</Th>
              <Th className="text-right">Duplicate</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map(([provider, c]) => (
              <tr key={provider}>
                <Td>{providerLabel(provider)}</Td>
                <Td className="text-right tabular-nums">{formatCount(c.total)}</Td>
                <Td className="text-right text-emerald-700 tabular-nums">{formatCount(c.accepted)}</Td>
                <Td className="text-right text-red-700 tabular-nums">{formatCount(c.rejected)}</Td>
                <Td className="text-right tabular-nums">{formatCount(c.duplicate)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
