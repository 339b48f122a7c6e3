import { api, type Query } from "./client";
import type {
  ApplicationOut,
  AuditLogOut,
  AuditVerifyOut,
  BackgroundTask,
  BulkReplayIn,
  CreatedTokenOut,
  EndpointHeadersOut,
  EndpointIn,
  EndpointLatencyOut,
  EndpointMessageOut,
  EndpointOut,
  EndpointStats,
  EndpointTransformationOut,
  EventTypeIn,
  EventTypeOut,
  FifoSkipOut,
  FifoStatusOut,
  GradeReportOut,
  InboundReprocessOut,
  InboundRequestDetailOut,
  InboundRequestOut,
  InboundStats,
  MessageAttemptOut,
  MessageEndpointOut,
  MessageOut,
  OperationalEndpointIn,
  OperationalWebhookEndpointOut,
  OverviewStats,
  Page,
  Period,
  PollerConsumerListOut,
  PortalAccessOut,
  QueueItem,
  RetryScheduleOut,
  Scope,
  SignatureAlgorithm,
  SourceIn,
  SourceOut,
  TaskStart,
  TokenOut,
  TransformationSimulateIn,
  TransformationSimulateOut,
} from "./types";

/** Every API operation the dashboard calls, one thin function each. */
const e = encodeURIComponent;
const appPath = (app: string) => `/api/v1/app/${e(app)}`;
const epPath = (app: string, ep: string) => `${appPath(app)}/endpoint/${e(ep)}`;

/** GET and PUT of a `…/retry-schedule` route; seconds in, Svix's `{secs, nanos}` out. */
const retrySchedule = (path: string) => ({
  get: () => api<RetryScheduleOut>(`${path}/retry-schedule`),
  put: (seconds: number[] | null) =>
    api<RetryScheduleOut>(`${path}/retry-schedule`, { method: "PUT", body: { retrySchedule: seconds } }),
});

export const apps = {
  list: (query: Query) => api<Page<ApplicationOut>>("/api/v1/app", { query }),
  get: (app: string) => api<ApplicationOut>(appPath(app)),
  create: (body: { name: string; uid?: string | null }) =>
    api<ApplicationOut>("/api/v1/app", { method: "POST", body }),
  patch: (app: string, body: { name?: string; uid?: string | null }) =>
    api<ApplicationOut>(appPath(app), { method: "PATCH", body }),
  remove: (app: string) => api<void>(appPath(app), { method: "DELETE" }),
  retrySchedule: (app: string) => retrySchedule(appPath(app)),
  portalAccess: (app: string) =>
    api<PortalAccessOut>(`/api/v1/auth/app-portal-access/${e(app)}`, { method: "POST", body: {} }),
};

export const endpoints = {
  list: (app: string, query: Query) => api<Page<EndpointOut>>(`${appPath(app)}/endpoint`, { query }),
  get: (app: string, ep: string) => api<EndpointOut>(epPath(app, ep)),
  create: (app: string, body: EndpointIn) =>
    api<EndpointOut>(`${appPath(app)}/endpoint`, { method: "POST", body }),
  patch: (app: string, ep: string, body: Partial<EndpointIn>) =>
    api<EndpointOut>(epPath(app, ep), { method: "PATCH", body }),
  remove: (app: string, ep: string) => api<void>(epPath(app, ep), { method: "DELETE" }),
  secret: (app: string, ep: string) => api<{ key: string }>(`${epPath(app, ep)}/secret`),
  /** With `signatureAlgorithm`, the new key is generated of that kind (Hookrelay); otherwise of the current kind. */
  rotateSecret: (app: string, ep: string, body: { signatureAlgorithm?: SignatureAlgorithm } = {}) =>
    api<void>(`${epPath(app, ep)}/secret/rotate`, { method: "POST", body }),
  headers: (app: string, ep: string) => api<EndpointHeadersOut>(`${epPath(app, ep)}/headers`),
  /** PATCH: only the changed headers, so masked credentials are never written back. */
  patchHeaders: (
    app: string,
    ep: string,
    body: { headers: Record<string, string>; deleteHeaders: string[] },
  ) => api<void>(`${epPath(app, ep)}/headers`, { method: "PATCH", body }),
  stats: (app: string, ep: string, query: Query) => api<EndpointStats>(`${epPath(app, ep)}/stats`, { query }),
  latency: (app: string, ep: string, period: Period) =>
    api<EndpointLatencyOut>(`${epPath(app, ep)}/latency`, { query: { period } }),
  /** Starts a background task; follow it with `backgroundTasks.get`. */
  recover: (app: string, ep: string, since: string) =>
    api<TaskStart>(`${epPath(app, ep)}/recover`, { method: "POST", body: { since } }),
  /** Starts a background task that sends the endpoint's messages in the range again. */
  bulkReplay: (app: string, ep: string, body: BulkReplayIn) =>
    api<TaskStart>(`${epPath(app, ep)}/bulk-replay`, { method: "POST", body }),
  /** Runs the receiver grader: nine signed test deliveries, up to HOOKRELAY_GRADE_TOTAL_TIMEOUT_MS. */
  grade: (app: string, ep: string) =>
    api<GradeReportOut>(`${epPath(app, ep)}/grade`, { method: "POST", body: {} }),
  sendExample: (app: string, ep: string, eventType: string) =>
    api<MessageOut>(`${epPath(app, ep)}/send-example`, { method: "POST", body: { eventType } }),
  messages: (app: string, ep: string, query: Query) =>
    api<Page<EndpointMessageOut>>(`${epPath(app, ep)}/msg`, { query }),
  retrySchedule: (app: string, ep: string) => retrySchedule(epPath(app, ep)),
  transformation: (app: string, ep: string) => transformation(epPath(app, ep)),
  /** A FIFO endpoint's head: the delivery that holds the rest. */
  fifo: (app: string, ep: string) => api<FifoStatusOut>(`${epPath(app, ep)}/fifo`),
  /** Marks the head (only if it is still `msgId`) failed without a further attempt, so the next goes. */
  fifoSkip: (app: string, ep: string, msgId: string) =>
    api<FifoSkipOut>(`${epPath(app, ep)}/fifo/skip`, { method: "POST", body: { msgId } }),
};

/** An endpoint's transformation (ADR 16): its code and switch, and test runs. */
function transformation(path: string) {
  return {
    get: () => api<EndpointTransformationOut>(`${path}/transformation`),
    patch: (body: { code?: string | null; enabled?: boolean }) =>
      api<void>(`${path}/transformation`, { method: "PATCH", body }),
    simulate: (body: TransformationSimulateIn) =>
      api<TransformationSimulateOut>(`${path}/transformation/simulate`, { method: "POST", body }),
  };
}

export const messages = {
  list: (app: string, query: Query) => api<Page<MessageOut>>(`${appPath(app)}/msg`, { query }),
  get: (app: string, msg: string) => api<MessageOut>(`${appPath(app)}/msg/${e(msg)}`),
  destinations: (app: string, msg: string) =>
    api<Page<MessageEndpointOut>>(`${appPath(app)}/msg/${e(msg)}/endpoint`, { query: { limit: 250 } }),
  resend: (app: string, msg: string, ep: string) =>
    api<void>(`${appPath(app)}/msg/${e(msg)}/endpoint/${e(ep)}/resend`, { method: "POST", body: {} }),
};

export const backgroundTasks = {
  list: (query: Query) => api<Page<BackgroundTask>>("/api/v1/background-task", { query }),
  get: (id: string) => api<BackgroundTask>(`/api/v1/background-task/${e(id)}`),
};

export const attempts = {
  byMessage: (app: string, msg: string, query: Query) =>
    api<Page<MessageAttemptOut>>(`${appPath(app)}/attempt/msg/${e(msg)}`, { query }),
  byEndpoint: (app: string, ep: string, query: Query) =>
    api<Page<MessageAttemptOut>>(`${appPath(app)}/attempt/endpoint/${e(ep)}`, { query }),
};

export const eventTypes = {
  list: (query: Query) => api<Page<EventTypeOut>>("/api/v1/event-type", { query }),
  create: (body: EventTypeIn) => api<EventTypeOut>("/api/v1/event-type", { method: "POST", body }),
  patch: (name: string, body: Partial<EventTypeIn>) =>
    api<EventTypeOut>(`/api/v1/event-type/${e(name)}`, { method: "PATCH", body }),
  remove: (name: string) => api<void>(`/api/v1/event-type/${e(name)}`, { method: "DELETE" }),
  retrySchedule: (name: string) => retrySchedule(`/api/v1/event-type/${e(name)}`),
};

export interface TokenCreateIn {
  name: string;
  appId?: string;
  scopes?: Scope[];
  allowedIps?: string[];
  expiresIn?: number;
}

export const tokens = {
  list: (query: Query) => api<Page<TokenOut>>("/api/v1/token", { query }),
  create: (body: TokenCreateIn) => api<CreatedTokenOut>("/api/v1/token", { method: "POST", body }),
  /** A new secret; the old one keeps working for `graceSeconds`. */
  rotate: (id: string, graceSeconds?: number) =>
    api<CreatedTokenOut>(`/api/v1/token/${e(id)}/rotate`, { method: "POST", body: { graceSeconds } }),
  revoke: (id: string) => api<void>(`/api/v1/token/${e(id)}`, { method: "DELETE" }),
};

const opsPath = "/api/v1/operational-webhook/endpoint";

/** Operational-webhook endpoints (admin keys only) and the attempts of the events sent to them. */
export const operationalWebhooks = {
  list: (query: Query) => api<Page<OperationalWebhookEndpointOut>>(opsPath, { query }),
  create: (body: OperationalEndpointIn) =>
    api<OperationalWebhookEndpointOut>(opsPath, { method: "POST", body }),
  remove: (id: string) => api<void>(`${opsPath}/${e(id)}`, { method: "DELETE" }),
  secret: (id: string) => api<{ key: string }>(`${opsPath}/${e(id)}/secret`),
  attempts: (id: string, query: Query) =>
    api<Page<MessageAttemptOut>>(`${opsPath}/${e(id)}/attempt`, { query: { ...query, with_msg: true } }),
};

/** Filters of the audit log; times are ISO timestamps. */
export interface AuditQuery {
  action?: string;
  actor?: string;
  resource_id?: string;
  app_id?: string;
  since?: string;
  until?: string;
}

export const audit = {
  list: (query: AuditQuery & { iterator?: string; limit?: number }) =>
    api<Page<AuditLogOut>>("/api/v1/audit-log", { query: { ...query } }),
  verify: () => api<AuditVerifyOut>("/api/v1/audit-log/verify"),
};

export const stats = {
  overview: (period: Period, appId?: string) =>
    api<OverviewStats>("/api/v1/stats/overview", { query: { period, app_id: appId } }),
  inbound: (query: { provider?: string; app?: string; period: Period | "month" }) =>
    api<InboundStats>("/api/v1/stats/inbound", { query }),
};

export const queue = {
  list: (app: string, query: Query) => api<Page<QueueItem>>(`${appPath(app)}/queue`, { query }),
};

export const sources = {
  list: (app: string, query: Query) => api<Page<SourceOut>>(`${appPath(app)}/source`, { query }),
  get: (app: string, src: string) => api<SourceOut>(`${appPath(app)}/source/${e(src)}`),
  create: (app: string, body: SourceIn) => api<SourceOut>(`${appPath(app)}/source`, { method: "POST", body }),
  patch: (app: string, src: string, body: Partial<SourceIn>) =>
    api<SourceOut>(`${appPath(app)}/source/${e(src)}`, { method: "PATCH", body }),
  remove: (app: string, src: string) => api<void>(`${appPath(app)}/source/${e(src)}`, { method: "DELETE" }),
  requests: (app: string, src: string, query: Query) =>
    api<Page<InboundRequestOut>>(`${appPath(app)}/source/${e(src)}/request`, { query }),
  request: (app: string, src: string, req: string) =>
    api<InboundRequestDetailOut>(`${appPath(app)}/source/${e(src)}/request/${e(req)}`),
  /** Re-processes a logged request; a rejected one needs `force` (and an unscoped token). */
  reprocessRequest: (app: string, src: string, req: string, force: boolean) =>
    api<InboundReprocessOut>(`${appPath(app)}/source/${e(src)}/request/${e(req)}/retry`, {
      method: "POST",
      body: force ? { force: true } : {},
    }),
};

/** Polling endpoints: the consumers that read one and their stored positions. */
export const pollers = {
  consumers: (app: string, ep: string) =>
    api<PollerConsumerListOut>(`${appPath(app)}/poller/${e(ep)}/consumer`),
};
