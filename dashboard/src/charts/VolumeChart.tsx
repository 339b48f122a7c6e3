import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import type { Period } from "../api/types";
import { CHART_COLORS, timeTick, tooltipTime } from "./axis";

export interface VolumePoint {
  t: string;
  success: number;
  fail: number;
  messages?: number;
}

/** Delivery attempts per bucket, succeeded and failed stacked; messages as a line when given. */
export function VolumeChart({
  data,
  period,
  label,
  height = 240,
  showMessages = false,
}: {
  data: VolumePoint[];
  period: Period;
  label: string;
  height?: number;
  showMessages?: boolean;
}) {
  return (
    <div role="img" aria-label={label} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
          <XAxis
            dataKey="t"
            tickFormatter={timeTick(period)}
            tick={{ fontSize: 11, fill: CHART_COLORS.axis }}
            minTickGap={24}
          />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: CHART_COLORS.axis }} />
          <Tooltip labelFormatter={tooltipTime} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            dataKey="success"
            name="Succeeded"
            stackId="a"
            fill={CHART_COLORS.success}
            isAnimationActive={false}
          />
          <Bar dataKey="fail" name="Failed" stackId="a" fill={CHART_COLORS.fail} isAnimationActive={false} />
          {showMessages && (
            <Line
              dataKey="messages"
              name="Messages"
              stroke={CHART_COLORS.messages}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
