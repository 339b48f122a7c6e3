import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import type { Period } from "../api/types";
import { formatMs } from "../lib/format";
import { CHART_COLORS, timeTick, tooltipTime } from "./axis";

export interface LatencySeriesPoint {
  t: string;
  p50?: number | null;
  p95?: number | null;
}

/** Delivery latency percentiles over time; buckets without attempts leave a gap. */
export function LatencyChart({
  data,
  period,
  label,
  height = 240,
}: {
  data: LatencySeriesPoint[];
  period: Period;
  label: string;
  height?: number;
}) {
  const hasP50 = data.some((d) => d.p50 !== undefined);
  return (
    <div role="img" aria-label={label} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
          <XAxis
            dataKey="t"
            tickFormatter={timeTick(period)}
            tick={{ fontSize: 11, fill: CHART_COLORS.axis }}
            minTickGap={24}
          />
          <YAxis
            tickFormatter={(v: number) => formatMs(v)}
            tick={{ fontSize: 11, fill: CHART_COLORS.axis }}
            width={56}
          />
          <Tooltip
            labelFormatter={tooltipTime}
            formatter={(v) => formatMs(typeof v === "number" ? v : null)}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {hasP50 && (
            <Line
              dataKey="p50"
              name="p50"
              stroke={CHART_COLORS.p50}
              strokeWidth={2}
              dot={{ r: 2 }}
              connectNulls={false}
              isAnimationActive={false}
            />
          )}
          <Line
            dataKey="p95"
            name="p95"
            stroke={CHART_COLORS.p95}
            strokeWidth={2}
            dot={{ r: 2 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
