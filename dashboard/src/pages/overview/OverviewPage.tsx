import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { stats } from "../../api/resources";
import type { Period } from "../../api/types";
import { LatencyChart } from "../../charts/LatencyChart";
import { VolumeChart } from "../../charts/VolumeChart";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { PageHeader } from "../../components/PageHeader";
import { PeriodPicker } from "../../components/PeriodPicker";
import { FailingEndpoints } from "./FailingEndpoints";
import { KpiGrid } from "./KpiGrid";
import { LiveIndicator } from "./LiveIndicator";

const PERIODS = ["hour", "day", "week"] as const;

/** Traffic, success and latency across all applications, refreshed every 5 s. */
export function OverviewPage() {
  const [period, setPeriod] = useState<Period>("hour");
  const query = useQuery({
    queryKey: ["stats", "overview", period],
    queryFn: () => stats.overview(period),
    refetchInterval: 5_000,
  });
  const data = query.data;

  return (
    <>
      <PageHeader
        title="Overview"
        description="Outbound deliveries and inbound webhooks across every application."
        actions={
          <>
            <LiveIndicator
              updatedAt={query.dataUpdatedAt}
              fetching={query.isFetching}
              failed={query.isError}
            />
            <PeriodPicker value={period} options={PERIODS} onChange={setPeriod} />
          </>
        }
      />
      {query.isPending && <Loading label="Loading statistics…" />}
      {query.isError && !data && (
        <ErrorState error={query.error} what="statistics" onRetry={() => void query.refetch()} />
      )}
      {data && (
        <div className="space-y-6">
          <KpiGrid stats={data} />
          <div className="grid grid-cols-1 gap-6 xl:grid-cols-2">
            <Card title="Deliveries" description="Attempts per interval; line shows messages accepted">
              {data.series.length === 0 ? (
                <EmptyState title="No traffic in this window" />
              ) : (
                <VolumeChart data={data.series} period={period} label="Deliveries over time" showMessages />
              )}
            </Card>
            <Card title="Delivery latency" description="95th percentile response time per interval">
              {data.series.length === 0 ? (
                <EmptyState title="No attempts in this window" />
              ) : (
                <LatencyChart data={data.series} period={period} label="Delivery latency p95 over time" />
              )}
            </Card>
          </div>
          <FailingEndpoints endpoints={data.failingEndpoints} />
        </div>
      )}
    </>
  );
}
