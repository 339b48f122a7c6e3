import type { Page } from "../contract/common.js";
import type {
  InboundPeriod,
  InboundRequestDetailOut,
  InboundRequestListQuery,
  InboundRequestOut,
  InboundStatsOut,
  InboundStatsQuery,
} from "../contract/sources.js";
import { ApiError } from "../lib/errors.js";
import type { InboundRange, InboundRequestsRepository } from "../store/inbound-requests-repository.js";
import { mapPage } from "../store/paginate.js";
import type { InboundRequestRow, InboundStatus } from "../store/schema.js";
import type { ApplicationService } from "./applications.js";
import { toRequestDetailOut, toRequestOut } from "./inbound-records.js";
import { summarizeOutcomes } from "./inbound-summary.js";
import type { Principal } from "./principal.js";
import type { SourceService } from "./sources.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const PERIOD_MS: Record<InboundPeriod, number> = {
  hour: HOUR_MS,
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: 30 * DAY_MS,
};

/** What the log reader needs: access checks through sources and applications, and the log itself. */
export interface InboundLogDeps {
  sources: Pick<SourceService, "resolve">;
  requests: InboundRequestsRepository;
  applications: ApplicationService;
}

/**
 * Reading the inbound request log: a source's requests, one request with its re-processes, and
 * the figures of the inbound dashboard. {@link InboundService} writes the log as it ingests.
 *
 * @example await inboundLog.listRequests(principal, "app_…", "src_…", { limit: 50, order: "descending" });
 */
export class InboundLogService {
  constructor(private readonly deps: InboundLogDeps) {}

  async listRequests(
    principal: Principal,
    appIdOrUid: string,
    sourceIdOrUid: string,
    query: InboundRequestListQuery,
  ): Promise<Page<InboundRequestOut>> {
    const { source } = await this.deps.sources.resolve(principal, appIdOrUid, sourceIdOrUid);
    const page = await this.deps.requests.list(
      {
        sourceId: source.id,
        status: query.status,
        provider: query.provider,
        before: query.before !== undefined ? Date.parse(query.before) : undefined,
        after: query.after !== undefined ? Date.parse(query.after) : undefined,
      },
      { limit: query.limit, iterator: query.iterator, order: query.order },
    );
    return mapPage(page, toRequestOut);
  }

  async getRequest(
    principal: Principal,
    appIdOrUid: string,
    sourceIdOrUid: string,
    requestId: string,
  ): Promise<InboundRequestDetailOut> {
    const request = await this.resolveRequest(principal, appIdOrUid, sourceIdOrUid, requestId);
    return toRequestDetailOut(request, await this.deps.requests.listReprocesses(request.id));
  }

  /** Totals, rejections by reason, duplicates, processing-time percentiles and a per-provider split. */
  async stats(principal: Principal, query: InboundStatsQuery): Promise<InboundStatsOut> {
    let appId = principal.appId ?? undefined;
    if (query.app !== undefined) appId = (await this.deps.applications.resolve(principal, query.app)).id;
    const to = Date.now();
    const range: InboundRange = { from: to - PERIOD_MS[query.period], to, appId, provider: query.provider };
    const [outcomes, sample] = await Promise.all([
      this.deps.requests.countByOutcome(range),
      this.deps.requests.processingSample(range),
    ]);
    return summarizeOutcomes(query.period, range, outcomes, sample);
  }

  /** Request counts by outcome in a range: the dashboard overview's inbound figures. */
  async countByStatus(range: {
    from: number;
    to: number;
    appId?: string | undefined;
  }): Promise<Record<InboundStatus, number>> {
    return this.deps.requests.countByStatus(range);
  }

  /** A logged request of a source the principal may see, or a 404. */
  async resolveRequest(
    principal: Principal,
    appIdOrUid: string,
    sourceIdOrUid: string,
    requestId: string,
  ): Promise<InboundRequestRow> {
    const { source } = await this.deps.sources.resolve(principal, appIdOrUid, sourceIdOrUid);
    const request = await this.deps.requests.find(source.id, requestId);
    if (!request) throw ApiError.notFound("Inbound request");
    return request;
  }
}
