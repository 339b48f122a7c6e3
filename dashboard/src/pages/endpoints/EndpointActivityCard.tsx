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

/** Delivery counts (Svix `/stats`) and the success / latency chart (Hookrelay `/latency`). */
const PERIODS = ["hour", "day", "week"] as const;

interface Props {
  appId: string;
  endpointId: string;
  period: Period;
  onPeriodChange: (p: Period) => void;
}

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
  const done = s ? s.success + s.fail : 0;
  const series = latency.data?.series ?? [];

  return (
    <Card
      title="Activity"
      description="Deliveries to this endpoint; updates every 5 s"
      actions={<PeriodPicker value={period} options={PERIODS} onChange={onPeriodChange} />}
    >
      {stats.isPending && <Loading />}
      {stats.isError && <ErrorState error={stats.error} what="endpoint statistics" compact />}
      {s && (
        <dl className="mb-5 grid grid-cols-2 gap-3 md:grid-cols-5">
          <StatCard
            label="Success rate"
            value={formatPercent(done ? s.success / done : null)}
            tone={done && s.fail / done > 0.1 ? "bad" : "default"}
          />
          <StatCard label="Succeeded" value={formatCount(s.success)} tone="good" />
          <StatCard label="Failed" value={formatCount(s.fail)} tone={s.fail ? "bad" : "default"} />
          <StatCard label="Pending" value={formatCount(s.pending)} />
          <StatCard label="Sending" value={formatCount(s.sending)} />
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
