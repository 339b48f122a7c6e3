import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { CHART_COLORS } from "../../charts/axis";

/** Why requests were rejected (bad signature, stale timestamp …), as horizontal bars. */
export function RejectReasons({ rejected }: { rejected: Record<string, number> }) {
  const data = Object.entries(rejected)
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count);
  return (
    <div>
      <h3 className="mb-2 text-xs font-medium text-slate-500">Rejection reasons</h3>
      {data.length === 0 ? (
        <p className="text-sm text-slate-500">No rejected requests.</p>
      ) : (
        <div
          role="img"
          aria-label={`Rejections: ${data.map((d) => `${d.reason} ${d.count}`).join(", ")}`}
          style={{ height: Math.max(80, data.length * 32) }}
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
              <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
              <YAxis type="category" dataKey="reason" width={150} tick={{ fontSize: 11 }} />
              <Tooltip />
              <Bar dataKey="count" name="Requests" fill={CHART_COLORS.fail} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}
