import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { stats } from "../../api/resources";
import { Card } from "../../components/Card";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Loading } from "../../components/Loading";
import { PeriodPicker } from "../../components/PeriodPicker";
import { StatCard } from "../../components/StatCard";
import { formatCount, formatMs } from "../../lib/format";
import { ByProviderTable } from "./ByProviderTable";
import { RejectReasons } from "./RejectReasons";

const PERIODS = ["hour", "day", "week", "month"] as const;
type InboundPeriod = (typeof PERIODS)[number];

/** Inbound counts (accepted / rejected by reason / duplicate) for a provider and/or application. */
export function InboundStatsCard({
  appId,
  provider,
  title,
  showProviders,
}: {
  appId?: string;
  provider?: string;
  title: string;
  showProviders?: boolean;
}) {
  const [period, setPeriod] = useState<InboundPeriod>("day");
  const q = useQuery({
    queryKey: ["stats", "inbound", appId, provider, period],
    queryFn: () => stats.inbound({ app: appId, provider, period }),
    refetchInterval: 5_000,
  });
  const d = q.data;
  return (
    <Card title={title} actions={<PeriodPicker value={period} options={PERIODS} onChange={setPeriod} />}>
      {q.isPending && <Loading />}
      {q.isError && <ErrorState error={q.error} what="inbound statistics" onRetry={() => void q.refetch()} />}
      {d && d.total === 0 && <EmptyState title="No inbound requests in this window" />}
      {d && d.total > 0 && (
        <div className="space-y-5">
          <dl className="grid grid-cols-2 gap-3 md:grid-cols-5">
            <StatCard label="Received" value={formatCount(d.total)} />
            <StatCard label="Accepted" value={formatCount(d.accepted)} tone="good" />
            <StatCard
              label="Rejected"
              value={formatCount(d.rejected)}
              tone={d.rejected ? "bad" : "default"}
            />
            <StatCard label="Duplicates" value={formatCount(d.duplicate)} />
            <StatCard
              label="Processing p95"
              value={formatMs(d.processingMs.p95)}
              hint={`p50 ${formatMs(d.processingMs.p50)} · p99 ${formatMs(d.processingMs.p99)}`}
            />
          </dl>
          <div className={`grid grid-cols-1 gap-6 ${showProviders ? "lg:grid-cols-2" : ""}`}>
            {showProviders && <ByProviderTable byProvider={d.byProvider} />}
            <RejectReasons rejected={d.rejectedByReason} />
          </div>
        </div>
      )}
    </Card>
  );
}
