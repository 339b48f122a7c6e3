import { useQuery } from "@tanstack/react-query";

import { endpoints } from "../../api/resources";
import type { Period } from "../../api/types";
import { LatencyChart } from "../../charts/LatencyChart";
import { VolumeChart } from "../../charts/VolumeChart";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { PeriodPicker } from "../../components/PeriodPicker";
import { StatCard } from "../../components/StatCard";
import { formatCount, formatPercent } from "../../lib/format";

const WINDOW_MS: Record<Period, number> = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

const PERIODS = ["hour", "day", "week"] as const;

interface Props {
  appId: string;
  endpointId: string;
  period: Period;
  onPeriodChange: (p: Period) => void;
}

/**
 * Attempt figures and charts (Hookrelay `/latency`, the counters behind the overview) beside
 * message states (Svix `/stats`). The success rate is of attempts on both pages, so a message
 * delivered on its seventh try counts one delivered message and six failed attempts.
 */
export function EndpointActivityCard({ appId, endpointId, period, onPeriodChange }: Props) {
  const stats = useQuery({
    queryKey: ["endpoint-stats", appId, endpointId, period],
    queryFn: () =>
      endpoints.stats(appId, endpointId, { since: new Date(Date.now() - WINDOW_MS[period]).toISOString() }),
    refetchInterval: 5_000,
  });
  const latency = useQuery({
    queryKey: ["endpoint-latency", appId, endpointId, period],
    queryFn: () => endpoints.latency(appId, endpointId, period),
    refetchInterval: 5_000,
  });
  const s = stats.data;
  const l = latency.data;
  const series = l?.series ?? [];

  return (
    <Card
      title="Activity"
      description="Rates count attempts; messages count once each. Updates every 5 s."
      actions={<PeriodPicker value={period} options={PERIODS} onChange={onPeriodChange} />}
    >
      {(stats.isPending || latency.isPending) && <Loading />}
      {stats.isError && <ErrorState error={stats.error} what="endpoint statistics" compact />}
      {s && l && (
        <dl className="mb-5 grid grid-cols-2 gap-3 md:grid-cols-5" aria-label="Endpoint figures">
          {/* The same figure, from the same counters, as the overview's success rate. */}
          <StatCard
            label="Success rate"
            value={formatPercent(l.successRate)}
            tone={l.successRate !== null && l.successRate < 0.9 ? "bad" : "default"}
            hint="of attempts"
          />
          <StatCard
            label="Attempts"
            value={formatCount(l.success + l.fail)}
            tone={l.fail ? "bad" : "default"}
            hint={`${formatCount(l.fail)} failed`}
          />
          <StatCard
            label="Messages delivered"
            value={formatCount(s.success)}
            tone="good"
            hint="of messages"
          />
          <StatCard
            label="Messages failed"
            value={formatCount(s.fail)}
            tone={s.fail ? "bad" : "default"}
            hint="retries exhausted"
          />
          <StatCard
            label="Messages in flight"
            value={formatCount(s.pending + s.sending)}
            hint="pending or sending"
          />
        </dl>
      )}
      {latency.isError && <ErrorState error={latency.error} what="the latency chart" compact />}
      {latency.isSuccess && series.length === 0 && <EmptyState title="No deliveries in this window" />}
      {series.length > 0 && (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          <VolumeChart data={series} period={period} label="Endpoint deliveries over time" height={200} />
          <LatencyChart data={series} period={period} label="Endpoint latency over time" height={200} />
        </div>
      )}
    </Card>
  );
}
