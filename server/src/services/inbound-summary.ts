import { Iso } from "../contract/common.js";
import type { InboundPeriod, InboundStatsOut } from "../contract/sources.js";
import { percentile } from "../lib/percentile.js";
import type { InboundRange } from "../store/inbound-requests-repository.js";
import type { InboundStatus } from "../store/schema.js";

/**
 * The inbound statistics of a range from its outcome counts and a sample of processing times:
 * totals, rejections by reason, percentiles, and the same totals per provider.
 *
 * @example summarizeOutcomes("day", range, await repo.countByOutcome(range), await repo.processingSample(range))
 */
export function summarizeOutcomes(
  period: InboundPeriod,
  range: InboundRange,
  outcomes: readonly { provider: string; status: InboundStatus; reason: string | null; n: number }[],
  sample: number[],
): InboundStatsOut {
  const totals = { total: 0, accepted: 0, rejected: 0, duplicate: 0 };
  const rejectedByReason: Record<string, number> = {};
  const byProvider: Record<string, typeof totals> = {};
  for (const row of outcomes) {
    const p = (byProvider[row.provider] ??= { total: 0, accepted: 0, rejected: 0, duplicate: 0 });
    for (const counts of [totals, p]) {
      counts.total += row.n;
      counts[row.status] += row.n;
    }
    if (row.status === "rejected") {
      const reason = row.reason ?? "unknown";
      rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + row.n;
    }
  }
  const sorted = sample.sort((a, b) => a - b);
  return {
    period,
    from: Iso(range.from),
    to: Iso(range.to),
    ...totals,
    rejectedByReason,
    processingMs: {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
    },
    byProvider,
  };
}
