import type { OverviewStats } from "../../api/types";
import { StatCard } from "../../components/StatCard";
import { formatCount, formatMs, formatPercent } from "../../lib/format";

function rateTone(rate: number | null) {
  if (rate === null) return "default" as const;
  if (rate >= 0.99) return "good" as const;
  return rate >= 0.9 ? ("warn" as const) : ("bad" as const);
}

export function KpiGrid({ stats }: { stats: OverviewStats }) {
  const { attempts, latencyMs, queue, inbound } = stats;
  return (
    <dl className="grid grid-cols-2 gap-4 md:grid-cols-4 xl:grid-cols-8">
      <StatCard label="Messages in" value={formatCount(stats.messages)} hint="accepted for delivery" />
      <StatCard
        label="Attempts out"
        value={formatCount(attempts.success + attempts.fail)}
        hint={`${formatCount(attempts.fail)} failed`}
      />
      <StatCard
        label="Success rate"
        value={formatPercent(stats.successRate)}
        tone={rateTone(stats.successRate)}
        hint="of attempts"
      />
      <StatCard label="Latency p50" value={formatMs(latencyMs.p50)} />
      <StatCard label="Latency p95" value={formatMs(latencyMs.p95)} />
      <StatCard label="Latency p99" value={formatMs(latencyMs.p99)} />
      <StatCard
        label="Retry queue"
        value={formatCount(queue.pending + queue.sending)}
        tone={queue.failed > 0 ? "warn" : "default"}
        hint={`${formatCount(queue.failed)} exhausted`}
      />
      <StatCard
        label="Inbound"
        value={formatCount(inbound.accepted)}
        tone={inbound.rejected > 0 ? "warn" : "default"}
        hint={`${formatCount(inbound.rejected)} rejected · ${formatCount(inbound.duplicate)} dup`}
      />
    </dl>
  );
}
