/**
 * Response and request shapes the dashboard reads. Where the server already publishes a zod
 * schema in server/src/contract the type is imported from there (types only, nothing at runtime);
 * the rest (request bodies the dashboard builds) are declared here.
 */
import type { z } from "zod";

import type { ApplicationOut } from "../../../server/src/contract/applications";
import type {
  EndpointMessageOut,
  EndpointStats,
  MessageAttemptOut,
  MessageEndpointOut,
  MessageStatusText,
} from "../../../server/src/contract/attempts";
import type { AuditLogOut, AuditVerifyOut } from "../../../server/src/contract/audit";
import type {
  BackgroundTaskOut as ServerBackgroundTaskOut,
  BackgroundTaskStatus as ServerBackgroundTaskStatus,
  BackgroundTaskType as ServerBackgroundTaskType,
  BulkReplayIn as ServerBulkReplayIn,
  TaskStartOut as ServerTaskStartOut,
} from "../../../server/src/contract/background-tasks";
import type { Page } from "../../../server/src/contract/common";
import type { DeliveryStatusCode } from "../../../server/src/contract/delivery-status";
import type { GradeReportOut } from "../../../server/src/contract/endpoint-grade";
import type { EndpointHeadersOut, EndpointOut } from "../../../server/src/contract/endpoints";
import type { EventTypeOut } from "../../../server/src/contract/event-types";
import type { FifoSkipOut, FifoStatusOut } from "../../../server/src/contract/fifo";
import type { MessageOut } from "../../../server/src/contract/messages";
import type { OperationalWebhookEndpointOut } from "../../../server/src/contract/operational-webhooks";
import type { PollerConsumerListOut } from "../../../server/src/contract/poller";
import type { QueueItemOut } from "../../../server/src/contract/queue";
import type { RetryScheduleOut } from "../../../server/src/contract/retry-schedules";
import type { Scope } from "../../../server/src/contract/scopes";
import type {
  InboundReprocessOut as ServerInboundReprocessOut,
  InboundRequestDetailOut as ServerInboundRequestDetailOut,
  InboundRequestOut as ServerInboundRequestOut,
  InboundStatsOut,
  SourceOut as ServerSourceOut,
} from "../../../server/src/contract/sources";
import type { EndpointLatencyOut, OverviewOut, Period } from "../../../server/src/contract/stats";
import type {
  TokenCreatedOut,
  TokenOut as ServerTokenOut,
  WhoamiOut as ServerWhoamiOut,
} from "../../../server/src/contract/tokens";
import type {
  EndpointTransformationOut,
  TransformationSimulateIn,
  TransformationSimulateOut,
} from "../../../server/src/contract/transformations";

export type {
  ApplicationOut,
  AuditLogOut,
  AuditVerifyOut,
  EndpointHeadersOut,
  EndpointLatencyOut,
  EndpointMessageOut,
  EndpointOut,
  EndpointStats,
  EndpointTransformationOut,
  EventTypeOut,
  FifoSkipOut,
  FifoStatusOut,
  GradeReportOut,
  MessageAttemptOut,
  MessageEndpointOut,
  MessageOut,
  MessageStatusText,
  OperationalWebhookEndpointOut,
  Page,
  Period,
  PollerConsumerListOut,
  TransformationSimulateIn,
  TransformationSimulateOut,
};

/** Svix MessageStatus: 0 success, 1 pending, 2 fail, 3 sending. */
export type MessageStatus = DeliveryStatusCode;

/** Body of endpoint create / patch as the dashboard sends it. */
export interface EndpointIn {
  /** Absent for a polling endpoint. */
  url?: string;
  /** Create a polling endpoint (Hookrelay): its reader pulls messages; sent on create only. */
  polling?: boolean;
  description?: string;
  uid?: string | null;
  disabled?: boolean;
  filterTypes?: string[] | null;
  channels?: string[] | null;
  rateLimit?: number | null;
  maxInFlight?: number | null;
  disableAfterFailures?: number | null;
  /** Hookrelay's content filter on payload fields; null = every payload. */
  filter?: Record<string, unknown> | null;
  /** A FIFO endpoint (Hookrelay): one delivery at a time, in message order. */
  fifo?: boolean;
  metadata?: Record<string, string>;
  /** Hookrelay: the signature headers deliveries carry. */
  signatureScheme?: SignatureScheme;
  /** Hookrelay, on create only: generate a key of this kind. */
  signatureAlgorithm?: SignatureAlgorithm;
}

/** How an endpoint's deliveries are signed (Hookrelay), and with what kind of key. */
export type SignatureScheme = EndpointOut["signatureScheme"];
export type SignatureAlgorithm = EndpointOut["signatureAlgorithm"];

/** Body of an operational-webhook endpoint create, as the dashboard sends it. */
export interface OperationalEndpointIn {
  url: string;
  description?: string;
  eventTypes?: string[] | null;
}

export interface EventTypeIn {
  name: string;
  description: string;
  archived?: boolean;
  deprecated?: boolean;
  schemas?: Record<string, unknown> | null;
}

export interface PortalAccessOut {
  url: string;
  token: string;
}

export type TokenOut = z.output<typeof ServerTokenOut>;
export type CreatedTokenOut = z.output<typeof TokenCreatedOut>;
export type WhoamiOut = z.output<typeof ServerWhoamiOut>;
export type { RetryScheduleOut, Scope };

export type OverviewStats = OverviewOut;
export type FailingEndpoint = OverviewOut["failingEndpoints"][number];
export type OverviewPoint = OverviewOut["series"][number];
export type LatencyPoint = EndpointLatencyOut["series"][number];

export type QueueStatus = "pending" | "sending" | "fail";
export type QueueItem = z.output<typeof QueueItemOut>;

/** A background task (recover, replays, purge) with its progress in `data`. */
export type BackgroundTask = ServerBackgroundTaskOut;
export type BackgroundTaskStatus = ServerBackgroundTaskStatus;
export type BackgroundTaskType = ServerBackgroundTaskType;
/** What starting a task answers: the task, still running. */
export type TaskStart = ServerTaskStartOut;
export type BulkReplayIn = ServerBulkReplayIn;

export const PROVIDERS = [
  "careem",
  "talabat",
  "deliveroo",
  "jahez",
  "standard-webhooks",
  "stripe",
  "github",
  "shopify",
  "slack",
  "clerk",
  "resend",
  "zoom",
  "segment",
  "hubspot",
  "twilio",
  "hmac",
] as const;
export type Provider = (typeof PROVIDERS)[number];

export type SourceOut = z.output<typeof ServerSourceOut>;
export type InboundRequestOut = z.output<typeof ServerInboundRequestOut>;
export type InboundRequestDetailOut = z.output<typeof ServerInboundRequestDetailOut>;
export type InboundReprocessOut = z.output<typeof ServerInboundReprocessOut>;
export type InboundStats = z.output<typeof InboundStatsOut>;
export type InboundStatus = InboundRequestOut["status"];

export interface SourceIn {
  name: string;
  uid?: string | null;
  provider: Provider;
  config: Record<string, unknown>;
}
