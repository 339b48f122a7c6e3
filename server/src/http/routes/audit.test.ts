import { createHmac } from "node:crypto";

import { afterAll, beforeAll, expect, it } from "vitest";

import { createGradeSender, type GradeSender } from "../../delivery/receiver-grader.js";
import { CLI_ACTOR } from "../../services/principal.js";
import { startTestApp, type TestApp } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

/**
 * Mutating routes that change data rather than administration, and so write no audit row:
 * messages (created by producers, by inbound webhooks, or as an example) are the traffic the
 * gateway carries. Every other POST, PUT, PATCH or DELETE must appear in `scenarios` below.
 */
const EXEMPT = new Set([
  "v1.message.create",
  "v1.endpoint.send-example",
  "hookrelay.ingest.platform",
  "hookrelay.ingest.source",
  "hookrelay.ingest.token",
  // Checks a signature, or whether a message would be delivered; stores nothing.
  "hookrelay.verify",
  "v1.message.precheck",
  // Runs code in the transformation sandbox on a given payload and answers; stores nothing.
  "v1.endpoint.transformation.simulate",
  // A polling consumer's own read position, like a cursor: the reader's state, not configuration.
  "v1.message.poller.consumer-seek",
  // A POST only because Svix made it one: it reads the event catalogue and changes nothing.
  "v1.environment.export",
]);

const ENDPOINT_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const HEADER_VALUE = "Bearer receiver-credential-42";
const SOURCE_SECRET = "careem_secret_key_client_123";
const INGEST_SECRET = "whsec_ingest_stripe_secret_for_audit";

type Method = "POST" | "PUT" | "PATCH" | "DELETE" | "GET";

interface AuditRowOut {
  seq: number;
  action: string;
  appId: string | null;
  resourceId: string | null;
  actor: { type: string; id: string | null; name: string; appId: string | null };
  ip: string | null;
  requestId: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
}

describeEachStore("audit log on %s", (kind) => {
  let t: TestApp;
  let adminId: string;

  // The grader for real, aimed at a closed loopback port: every case fails fast, nothing leaves.
  let grader: GradeSender;

  beforeAll(async () => {
    grader = createGradeSender({
      allowCidrs: ["127.0.0.0/8"],
      requestTimeoutMs: 2_000,
      totalTimeoutMs: 5_000,
      resolve: async () => [{ address: "127.0.0.1", family: 4 }],
    });
    t = await startTestApp({}, kind, { gradeReceiver: (target) => grader.grade(target) });
    adminId = (
      await t.store.db
        .selectFrom("tokens")
        .select("id")
        .where("name", "=", "test-admin")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await t.close();
    await grader.close();
  });

  async function api(method: Method, url: string, payload?: object, auth = t.auth) {
    const res = await t.app.inject({
      method,
      url,
      headers: auth,
      ...(payload !== undefined ? { payload } : {}),
    });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  }

  async function lastSeq(): Promise<number> {
    const head = await t.store.db.selectFrom("audit_chain").select("seq").executeTakeFirstOrThrow();
    return Number(head.seq);
  }

  /** The audit rows written after `seq`, oldest first, as the API returns them. */
  async function rowsAfter(seq: number): Promise<AuditRowOut[]> {
    const page = await api("GET", "/api/v1/audit-log?limit=250");
    expect(page.status).toBe(200);
    return (page.body.data as AuditRowOut[]).filter((r) => r.seq > seq).reverse();
  }

  function careemHeaders(body: string): Record<string, string> {
    const ts = String(Math.floor(Date.now() / 1000));
    return {
      "content-type": "application/json",
      "x-careem-timestamp": ts,
      "x-careem-signature": createHmac("sha256", SOURCE_SECRET).update(`${ts}.${body}`).digest("hex"),
    };
  }

  it("writes exactly one row, with actor and diff, for every mutating route; none for a failed one", async () => {
    const ctx: Record<string, string> = {};
    let backupDoc: object = {};
    const portal = await t.services.tokens.create(CLI_ACTOR, { name: "portal-user", appId: null });
    ctx.revokable = portal.id;

    /** operationId → the request, what it must be answered with, and the row it must leave. */
    const scenarios: {
      op: string;
      run: () => Promise<{ status: number; body: unknown }>;
      status: number;
      action: string;
      check?: (row: AuditRowOut) => void;
      auth?: "portal";
    }[] = [
      {
        op: "v1.application.create",
        run: async () => {
          const r = await api("POST", "/api/v1/app", { name: "Acme", uid: "acme" });
          ctx.app = r.body.id;
          return r;
        },
        status: 201,
        action: "application.create",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.app);
          expect(row.changes.name).toEqual({ before: null, after: "Acme" });
        },
      },
      {
        op: "v1.application.update",
        run: () => api("PUT", "/api/v1/app/acme", { name: "Acme Inc" }),
        status: 200,
        action: "application.update",
        check: (row) => expect(row.changes).toEqual({ name: { before: "Acme", after: "Acme Inc" } }),
      },
      {
        op: "v1.application.patch",
        run: () => api("PATCH", "/api/v1/app/acme", { metadata: { tier: "gold" } }),
        status: 200,
        action: "application.update",
        check: (row) => expect(row.changes).toEqual({ metadata: { before: {}, after: { tier: "gold" } } }),
      },
      {
        op: "v1.event-type.create",
        run: () => api("POST", "/api/v1/event-type", { name: "invoice.paid", description: "Paid" }),
        status: 201,
        action: "event-type.create",
        check: (row) => expect(row.resourceId).toBe("invoice.paid"),
      },
      {
        op: "v1.event-type.update",
        run: () => api("PUT", "/api/v1/event-type/invoice.paid", { description: "An invoice was paid" }),
        status: 200,
        action: "event-type.update",
        check: (row) =>
          expect(row.changes.description).toEqual({ before: "Paid", after: "An invoice was paid" }),
      },
      {
        op: "v1.event-type.import-openapi",
        // One event type in the document: one change, audited as the API's create would be.
        run: () =>
          api("POST", "/api/v1/event-type/import/openapi", {
            spec: { webhooks: { "invoice.refunded": { post: { description: "Refunded" } } } },
          }),
        status: 200,
        action: "event-type.create",
        check: (row) => expect(row.resourceId).toBe("invoice.refunded"),
      },
      {
        op: "v1.event-type.patch",
        run: () => api("PATCH", "/api/v1/event-type/invoice.paid", { deprecated: true }),
        status: 200,
        action: "event-type.update",
        check: (row) => expect(row.changes).toEqual({ deprecated: { before: false, after: true } }),
      },
      {
        op: "v1.endpoint.create",
        run: async () => {
          const r = await api("POST", `/api/v1/app/${ctx.app}/endpoint`, {
            url: "https://example.com/hook",
            uid: "main",
            secret: ENDPOINT_SECRET,
            headers: { Authorization: HEADER_VALUE },
          });
          ctx.endpoint = r.body.id;
          return r;
        },
        status: 201,
        action: "endpoint.create",
        check: (row) => {
          expect(row.appId).toBe(ctx.app);
          expect(row.resourceId).toBe(ctx.endpoint);
          expect(row.changes.secret!.after).toMatch(/^sha256:[0-9a-f]{8}$/);
          expect(row.changes.headers!.after).toEqual({ Authorization: "****" });
        },
      },
      {
        op: "v1.endpoint.update",
        run: () => api("PUT", `/api/v1/app/${ctx.app}/endpoint/main`, { url: "https://example.com/put" }),
        status: 200,
        action: "endpoint.update",
        check: (row) =>
          expect(row.changes.url).toEqual({
            before: "https://example.com/hook",
            after: "https://example.com/put",
          }),
      },
      {
        op: "v1.endpoint.patch",
        run: () => api("PATCH", `/api/v1/app/${ctx.app}/endpoint/main`, { description: "primary" }),
        status: 200,
        action: "endpoint.update",
        check: (row) => expect(row.changes).toEqual({ description: { before: "", after: "primary" } }),
      },
      {
        op: "v1.event-type.set-retry-schedule",
        run: () => api("PUT", "/api/v1/event-type/invoice.paid/retry-schedule", { retrySchedule: [5, 60] }),
        status: 200,
        action: "event-type.retry-schedule.update",
        check: (row) => {
          expect(row.resourceId).toBe("invoice.paid");
          expect(row.changes).toEqual({ retrySchedule: { before: null, after: [5, 60] } });
        },
      },
      {
        op: "v1.application.set-retry-schedule",
        run: () => api("PUT", "/api/v1/app/acme/retry-schedule", { retrySchedule: [30] }),
        status: 200,
        action: "application.retry-schedule.update",
        check: (row) => {
          expect(row.appId).toBe(ctx.app);
          expect(row.changes).toEqual({ retrySchedule: { before: null, after: [30] } });
        },
      },
      {
        op: "v1.endpoint.set-retry-schedule",
        run: () => api("PUT", `/api/v1/app/${ctx.app}/endpoint/main/retry-schedule`, { retrySchedule: [] }),
        status: 200,
        action: "endpoint.retry-schedule.update",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.endpoint);
          expect(row.changes).toEqual({ retrySchedule: { before: null, after: [] } });
        },
      },
      {
        op: "v1.endpoint.rotate-secret",
        run: () => api("POST", `/api/v1/app/${ctx.app}/endpoint/main/secret/rotate`, {}),
        status: 204,
        action: "endpoint.secret.rotate",
        check: (row) => {
          expect(Object.keys(row.changes)).toEqual(["secret"]);
          expect(row.changes.secret!.before).toMatch(/^sha256:/);
          expect(row.changes.secret!.after).not.toBe(row.changes.secret!.before);
        },
      },
      {
        op: "v1.endpoint.update-headers",
        run: () =>
          api("PUT", `/api/v1/app/${ctx.app}/endpoint/main/headers`, { headers: { "X-Tenant": "t1" } }),
        status: 204,
        action: "endpoint.headers.update",
        check: (row) =>
          expect(row.changes.headers).toEqual({
            before: { Authorization: "****" },
            after: { "X-Tenant": "****" },
          }),
      },
      {
        op: "v1.endpoint.patch-headers",
        run: () =>
          api("PATCH", `/api/v1/app/${ctx.app}/endpoint/main/headers`, { headers: { "X-Tenant": "t2" } }),
        status: 204,
        action: "endpoint.headers.update",
        // The value changed though both sides read "****".
        check: (row) =>
          expect(row.changes.headers).toEqual({
            before: { "X-Tenant": "****" },
            after: { "X-Tenant": "****" },
          }),
      },
      {
        op: "v1.message-attempt.resend",
        run: async () => {
          const msg = await api("POST", `/api/v1/app/${ctx.app}/msg`, {
            eventType: "invoice.paid",
            payload: { n: 1 },
          });
          ctx.msg = msg.body.id;
          return api("POST", `/api/v1/app/${ctx.app}/msg/${ctx.msg}/endpoint/main/resend`);
        },
        status: 202,
        action: "message.resend",
        check: (row) => expect(row.resourceId).toBe(ctx.msg),
      },
      {
        op: "v1.message-attempt.expunge-content",
        run: async () => {
          const delivery = await t.store.db
            .selectFrom("deliveries")
            .select("id")
            .where("msg_id", "=", ctx.msg!)
            .executeTakeFirstOrThrow();
          ctx.attempt = "atmpt_audit1";
          await t.store.db
            .insertInto("attempts")
            .values({
              id: ctx.attempt,
              delivery_id: delivery.id,
              msg_id: ctx.msg!,
              app_id: ctx.app!,
              endpoint_id: ctx.endpoint!,
              url: "https://example.com/put",
              status: 0,
              response_status_code: 200,
              response: "ok",
              response_duration_ms: 5,
              trigger_type: 0,
              created_at: Date.now(),
            })
            .execute();
          return api("DELETE", `/api/v1/app/${ctx.app}/msg/${ctx.msg}/attempt/${ctx.attempt}/content`);
        },
        status: 204,
        action: "attempt.expunge-content",
        check: (row) => expect(row.resourceId).toBe(ctx.attempt),
      },
      {
        op: "v1.message.expunge-content",
        run: () => api("DELETE", `/api/v1/app/${ctx.app}/msg/${ctx.msg}/content`),
        status: 204,
        action: "message.expunge-content",
      },
      {
        op: "v1.endpoint.recover",
        run: () =>
          api("POST", `/api/v1/app/${ctx.app}/endpoint/main/recover`, {
            since: new Date(Date.now() - 3_600_000).toISOString(),
          }),
        status: 202,
        action: "endpoint.recover",
        check: (row) => expect(row.resourceId).toBe(ctx.endpoint),
      },
      {
        op: "v1.endpoint.bulk-replay",
        run: () =>
          api("POST", `/api/v1/app/${ctx.app}/endpoint/main/bulk-replay`, {
            since: new Date(Date.now() - 3_600_000).toISOString(),
            status: 2,
          }),
        status: 202,
        action: "endpoint.bulk-replay",
        check: (row) => expect((row.changes.task!.after as Record<string, unknown>).status).toBe(2),
      },
      {
        op: "v1.endpoint.replay-missing",
        run: () =>
          api("POST", `/api/v1/app/${ctx.app}/endpoint/main/replay-missing`, {
            since: new Date(Date.now() - 3_600_000).toISOString(),
          }),
        status: 202,
        action: "endpoint.replay-missing",
        check: (row) => expect(row.resourceId).toBe(ctx.endpoint),
      },
      {
        op: "v1.message.expunge-all-contents",
        run: () => api("POST", `/api/v1/app/${ctx.app}/msg/expunge-all-contents`),
        status: 202,
        action: "message.expunge-all-contents",
        check: (row) => expect(row.resourceId).toBe(ctx.app),
      },
      {
        op: "v1.statistics.aggregate-app-stats",
        run: () =>
          api("POST", "/api/v1/stats/usage/app", {
            since: new Date(Date.now() - 3_600_000).toISOString(),
            until: new Date().toISOString(),
            appIds: [ctx.app],
          }),
        status: 202,
        action: "statistics.aggregate-app-stats",
        check: (row) => {
          expect(row.appId).toBeNull();
          expect(row.resourceId).toMatch(/^qtask_/);
          expect(row.changes.task!.after).toMatchObject({ appIds: [ctx.app] });
        },
      },
      {
        op: "v1.statistics.aggregate-event-types",
        run: () => api("PUT", "/api/v1/stats/usage/event-types"),
        status: 202,
        action: "statistics.aggregate-event-types",
        check: (row) => expect(row.resourceId).toMatch(/^qtask_/),
      },
      {
        op: "v1.environment.import",
        // Each event type of the document is one change, audited as the API's create would be.
        run: () => api("POST", "/api/v1/environment/import", { eventTypes: [{ name: "invoice.imported", description: "Imported" }] }),
        status: 204,
        action: "event-type.create",
        check: (row) => expect(row.resourceId).toBe("invoice.imported"),
      },
      {
        op: "hookrelay.backup.export",
        // A read, audited because the document carries every sealed secret of the instance.
        run: async () => {
          const r = await api("POST", "/api/v1/backup/export", {});
          backupDoc = r.body as object;
          return r;
        },
        status: 200,
        action: "backup.export",
        check: (row) => expect(row.changes.export!.after).toMatchObject({ secrets: "sealed", rows: { applications: 1 } }),
      },
      {
        op: "hookrelay.backup.import",
        // The instance is not empty: forced, it writes the same rows back, with one row for all.
        run: () => api("POST", "/api/v1/backup/import?force=true", backupDoc),
        status: 200,
        action: "backup.import",
        check: (row) => expect(row.changes.import!.after).toMatchObject({ force: true, secrets: "sealed" }),
      },
      {
        op: "v1.endpoint.grade",
        run: () => api("POST", `/api/v1/app/${ctx.app}/endpoint/main/grade`),
        status: 200,
        action: "endpoint.grade",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.endpoint);
          expect(row.changes).toEqual({
            grade: { before: null, after: { url: "https://example.com/put", passed: 0, total: 9 } },
          });
        },
      },
      {
        op: "v1.endpoint.transformation.patch",
        run: () =>
          api("PATCH", `/api/v1/app/${ctx.app}/endpoint/main/transformation`, {
            code: "function handler(w) { return w }",
            enabled: true,
          }),
        status: 204,
        action: "endpoint.transformation.update",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.endpoint);
          expect(row.changes.transformation).toEqual({
            before: null,
            after: { enabled: true, codeSha256: expect.stringMatching(/^[0-9a-f]{64}$/), codeLength: 32 },
          });
        },
      },
      {
        op: "hookrelay.endpoint.fifo-skip",
        run: async () => {
          // FIFO set directly (its PATCH is audited on its own above); a new message gives the queue a head.
          await t.store.db.updateTable("endpoints").set({ fifo: 1 }).where("id", "=", ctx.endpoint!).execute();
          await api("POST", `/api/v1/app/${ctx.app}/msg`, { eventType: "invoice.paid", payload: { n: 2 } });
          const status = await api("GET", `/api/v1/app/${ctx.app}/endpoint/main/fifo`);
          ctx.fifoHead = (status.body as { head: { msgId: string } }).head.msgId;
          return api("POST", `/api/v1/app/${ctx.app}/endpoint/main/fifo/skip`, { msgId: ctx.fifoHead });
        },
        status: 200,
        action: "endpoint.fifo.skip",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.endpoint);
          expect(row.changes).toEqual({ fifoHead: { before: ctx.fifoHead, after: null } });
        },
      },
      {
        op: "hookrelay.source.create",
        run: async () => {
          const r = await api("POST", `/api/v1/app/${ctx.app}/source`, {
            uid: "careem",
            name: "Careem",
            provider: "careem",
            config: { secret: SOURCE_SECRET },
          });
          ctx.source = r.body.id;
          return r;
        },
        status: 201,
        action: "source.create",
        check: (row) => expect((row.changes.config!.after as Record<string, unknown>).secret).toBe("****"),
      },
      {
        op: "hookrelay.source.update",
        run: () =>
          api("PUT", `/api/v1/app/${ctx.app}/source/careem`, {
            name: "Careem Now",
            provider: "careem",
            config: { secret: SOURCE_SECRET },
          }),
        status: 200,
        action: "source.update",
        check: (row) => expect(row.changes.name).toEqual({ before: "Careem", after: "Careem Now" }),
      },
      {
        op: "hookrelay.source.patch",
        run: () => api("PATCH", `/api/v1/app/${ctx.app}/source/careem`, { name: "Careem" }),
        status: 200,
        action: "source.update",
      },
      {
        op: "hookrelay.inbound-request.retry",
        run: async () => {
          const body = JSON.stringify({ event_type: "order.created", data: { order: { id: "o-1" } } });
          const ingested = await t.app.inject({
            method: "POST",
            url: `/ingest/${ctx.source}`,
            payload: body,
            headers: careemHeaders(body),
          });
          expect(ingested.statusCode).toBeLessThan(300);
          ctx.request = (ingested.json() as { id: string }).id;
          return api("POST", `/api/v1/app/${ctx.app}/source/careem/request/${ctx.request}/retry`);
        },
        status: 200,
        action: "inbound-request.retry",
        check: (row) => expect(row.resourceId).toBe(ctx.request),
      },
      {
        op: "hookrelay.token.create",
        run: async () => {
          const r = await api("POST", "/api/v1/token", { name: "ci" });
          ctx.token = r.body.id;
          ctx.tokenSecret = r.body.token;
          return r;
        },
        status: 201,
        action: "token.create",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.token);
          expect(row.changes.name).toEqual({ before: null, after: "ci" });
        },
      },
      {
        op: "hookrelay.token.update",
        run: () => api("PATCH", `/api/v1/token/${ctx.token}`, { name: "ci deploys", allowedIps: ["10.0.0.0/8"] }),
        status: 200,
        action: "token.update",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.token);
          expect(row.changes.name).toEqual({ before: "ci", after: "ci deploys" });
          expect(row.changes.allowedIps).toEqual({ before: null, after: ["10.0.0.0/8"] });
        },
      },
      {
        op: "hookrelay.token.rotate",
        run: () => api("POST", `/api/v1/token/${ctx.token}/rotate`, { graceSeconds: 60 }),
        status: 201,
        action: "token.rotate",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.token);
          expect(JSON.stringify(row.changes)).not.toContain(ctx.tokenSecret!);
        },
      },
      {
        op: "v1.authentication.expire-all",
        run: () => api("POST", `/api/v1/auth/app/${ctx.app}/expire-all`, { expiry: 0 }),
        status: 204,
        action: "auth.expire-all",
        check: (row) => expect(row.appId).toBe(ctx.app),
      },
      {
        op: "hookrelay.token.revoke",
        run: () => api("DELETE", `/api/v1/token/${ctx.revokable}`),
        status: 204,
        action: "token.revoke",
        check: (row) => expect(row.resourceId).toBe(ctx.revokable),
      },
      {
        op: "v1.authentication.app-portal-access",
        run: async () => {
          const r = await api("POST", `/api/v1/auth/app-portal-access/${ctx.app}`, {});
          ctx.portalToken = r.body.token;
          return r;
        },
        status: 200,
        action: "app-portal-access.create",
        check: (row) => expect(row.appId).toBe(ctx.app),
      },
      {
        op: "v1.authentication.logout",
        auth: "portal",
        run: () =>
          api("POST", "/api/v1/auth/logout", undefined, { authorization: `Bearer ${ctx.portalToken}` }),
        status: 204,
        action: "auth.logout",
        check: (row) => {
          expect(row.actor.type).toBe("portal");
          expect(row.actor.appId).toBe(ctx.app);
          expect(row.actor.id).toBe(row.resourceId);
        },
      },
      {
        op: "hookrelay.source.delete",
        run: () => api("DELETE", `/api/v1/app/${ctx.app}/source/careem`),
        status: 204,
        action: "source.delete",
        check: (row) => expect(row.changes.name).toEqual({ before: "Careem", after: null }),
      },
      {
        op: "v1.operational-webhook.endpoint.create",
        run: async () => {
          const r = await api("POST", "/api/v1/operational-webhook/endpoint", {
            url: "https://ops.example.com/hook",
            uid: "ops",
            secret: ENDPOINT_SECRET,
          });
          ctx.opsEndpoint = r.body.id;
          return r;
        },
        status: 201,
        action: "operational_endpoint.create",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.opsEndpoint);
          expect(row.changes.url).toEqual({ before: null, after: "https://ops.example.com/hook" });
        },
      },
      {
        op: "v1.operational-webhook.endpoint.upsert",
        run: () => api("PUT", "/api/v1/operational-webhook/endpoint/ops", { url: "https://ops.example.com/put" }),
        status: 200,
        action: "operational_endpoint.update",
        check: (row) => expect(row.changes.url).toEqual({ before: "https://ops.example.com/hook", after: "https://ops.example.com/put" }),
      },
      {
        op: "v1.operational-webhook.endpoint.rotate-secret",
        run: () => api("POST", "/api/v1/operational-webhook/endpoint/ops/secret/rotate", {}),
        status: 204,
        action: "operational_endpoint.secret.rotate",
        check: (row) => expect(row.changes.secret!.before).toMatch(/^sha256:/),
      },
      {
        op: "v1.operational-webhook.endpoint.set-headers",
        run: () => api("PUT", "/api/v1/operational-webhook/endpoint/ops/headers", { headers: { Authorization: HEADER_VALUE } }),
        status: 204,
        action: "operational_endpoint.headers.update",
        check: (row) => expect(row.changes.headers).toEqual({ before: {}, after: { Authorization: "****" } }),
      },
      {
        op: "v1.operational-webhook.endpoint.delete",
        run: () => api("DELETE", "/api/v1/operational-webhook/endpoint/ops"),
        status: 204,
        action: "operational_endpoint.delete",
      },
      {
        op: "v1.ingest.source.create",
        run: async () => {
          const r = await api("POST", "/ingest/api/v1/source", {
            name: "Stripe in",
            uid: "stripe-in",
            type: "stripe",
            config: { secret: INGEST_SECRET },
          });
          ctx.ingestSource = r.body.id;
          ctx.ingestToken = String(r.body.ingestUrl).split("/").pop()!;
          return r;
        },
        status: 201,
        action: "ingest_source.create",
        check: (row) => {
          expect(row.resourceId).toBe(ctx.ingestSource);
          expect(row.changes.config!.after).toMatchObject({ secret: "****" });
          expect(row.changes.token).toEqual({ before: null, after: "****" });
        },
      },
      {
        op: "v1.ingest.source.upsert",
        run: () => api("PUT", "/ingest/api/v1/source/stripe-in", { name: "Stripe inbound", type: "stripe", config: {} }),
        status: 200,
        action: "ingest_source.update",
        check: (row) => expect(row.changes).toEqual({ name: { before: "Stripe in", after: "Stripe inbound" } }),
      },
      {
        op: "v1.ingest.source.patch",
        run: () => api("PATCH", "/ingest/api/v1/source/stripe-in", { metadata: { team: "billing" } }),
        status: 200,
        action: "ingest_source.update",
        check: (row) => expect(row.changes).toEqual({ metadata: { before: {}, after: { team: "billing" } } }),
      },
      {
        op: "v1.ingest.source.rotate-token",
        run: () => api("POST", "/ingest/api/v1/source/stripe-in/token/rotate"),
        status: 200,
        action: "ingest_source.token.rotate",
        check: (row) => expect(row.changes).toEqual({ token: { before: "****", after: "****" } }),
      },
      {
        op: "v1.ingest.authentication.consumer-portal-access",
        run: async () => {
          const r = await api("POST", "/ingest/api/v1/source/stripe-in/dashboard", { readOnly: true });
          ctx.ingestPortalToken = r.body.token;
          return r;
        },
        status: 200,
        action: "app-portal-access.create",
      },
      {
        op: "v1.ingest.endpoint.create",
        run: () =>
          api("POST", "/ingest/api/v1/source/stripe-in/endpoint", {
            url: "https://example.com/ingest",
            uid: "relay",
            secret: ENDPOINT_SECRET,
            headers: { Authorization: HEADER_VALUE },
          }),
        status: 201,
        action: "ingest_endpoint.create",
        check: (row) => expect(row.changes.headers!.after).toEqual({ Authorization: "****" }),
      },
      {
        op: "v1.ingest.endpoint.upsert",
        run: () => api("PUT", "/ingest/api/v1/source/stripe-in/endpoint/relay", { url: "https://example.com/ingest2" }),
        status: 200,
        action: "ingest_endpoint.update",
        check: (row) => expect(row.changes.url).toEqual({ before: "https://example.com/ingest", after: "https://example.com/ingest2" }),
      },
      {
        op: "v1.ingest.endpoint.rotate-secret",
        run: () => api("POST", "/ingest/api/v1/source/stripe-in/endpoint/relay/secret/rotate", {}),
        status: 204,
        action: "ingest_endpoint.secret.rotate",
      },
      {
        op: "v1.ingest.endpoint.set-headers",
        run: () => api("PUT", "/ingest/api/v1/source/stripe-in/endpoint/relay/headers", { headers: { "X-Team": "billing" } }),
        status: 204,
        action: "ingest_endpoint.headers.update",
      },
      {
        op: "v1.ingest.endpoint.transformation.patch",
        run: () =>
          api("PATCH", "/ingest/api/v1/source/stripe-in/endpoint/relay/transformation", {
            code: "function handler(w) { return w }",
            enabled: true,
          }),
        status: 204,
        action: "endpoint.transformation.update",
        check: (row) => expect(row.changes.transformation!.after).toMatchObject({ enabled: true, codeLength: 32 }),
      },
      {
        op: "v1.ingest.endpoint.delete",
        run: () => api("DELETE", "/ingest/api/v1/source/stripe-in/endpoint/relay"),
        status: 204,
        action: "ingest_endpoint.delete",
      },
      {
        op: "v1.ingest.source.delete",
        run: () => api("DELETE", "/ingest/api/v1/source/stripe-in"),
        status: 204,
        action: "ingest_source.delete",
        check: (row) => expect(row.changes.name).toEqual({ before: "Stripe inbound", after: null }),
      },
      {
        op: "v1.endpoint.delete",
        run: () => api("DELETE", `/api/v1/app/${ctx.app}/endpoint/main`),
        status: 204,
        action: "endpoint.delete",
      },
      {
        op: "v1.event-type.delete",
        run: () => api("DELETE", "/api/v1/event-type/invoice.paid"),
        status: 204,
        action: "event-type.archive",
        check: (row) => expect(row.changes).toEqual({ archived: { before: false, after: true } }),
      },
      {
        op: "v1.application.delete",
        run: () => api("DELETE", `/api/v1/app/${ctx.app}`),
        status: 204,
        action: "application.delete",
        check: (row) => expect(row.resourceId).toBe(ctx.app),
      },
    ];

    // Every mutating route of the API is either exercised here or exempt, by name.
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
    const mutating = Object.values(doc.paths).flatMap((methods) =>
      Object.entries(methods)
        .filter(([method]) => ["post", "put", "patch", "delete"].includes(method))
        .map(([, op]) => op.operationId ?? "(no operationId)"),
    );
    const covered = new Set(scenarios.map((s) => s.op));
    expect(mutating.filter((op) => !EXEMPT.has(op) && !covered.has(op))).toEqual([]);
    expect([...covered].filter((op) => !mutating.includes(op))).toEqual([]);

    for (const s of scenarios) {
      const before = await lastSeq();
      const res = await s.run();
      expect(res.status, `${s.op}: ${JSON.stringify(res.body)}`).toBe(s.status);
      const rows = await rowsAfter(before);
      expect(
        rows.map((r) => r.action),
        s.op,
      ).toEqual([s.action]);
      const row = rows[0]!;
      if (s.auth !== "portal")
        expect(row.actor).toEqual({ type: "key", id: adminId, name: "test-admin", appId: null });
      expect(row.ip).toBe("127.0.0.1");
      expect(row.requestId).toMatch(/^req-/);
      s.check?.(row);
    }

    // No secret ever reached the log: not the endpoint secret, a header value, a source
    // credential, nor a token.
    const all = await t.store.db.selectFrom("audit_log").select("changes").execute();
    const text = all.map((r) => r.changes).join("\n");
    for (const secret of [
      ENDPOINT_SECRET,
      HEADER_VALUE,
      "receiver-credential",
      SOURCE_SECRET,
      ctx.tokenSecret!,
      ctx.portalToken!,
      INGEST_SECRET,
      ctx.ingestToken!,
      ctx.ingestPortalToken!,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect((await api("GET", "/api/v1/audit-log/verify")).body).toMatchObject({
      ok: true,
      firstBroken: null,
    });
  });

  it("writes no row for a failed change, whether refused before or inside the transaction", async () => {
    await api("POST", "/api/v1/app", { name: "One", uid: "fail-one" });
    await api("POST", "/api/v1/app", { name: "Two", uid: "fail-two" });
    const before = await lastSeq();
    const failures: [Method, string, object | undefined, number][] = [
      ["POST", "/api/v1/app", { name: "dup", uid: "fail-one" }, 409],
      // The unique index refuses this inside the audited transaction: the update and its row roll back.
      ["PATCH", "/api/v1/app/fail-two", { uid: "fail-one" }, 409],
      ["POST", "/api/v1/app/fail-one/endpoint", { url: "not a url" }, 422],
      ["PATCH", "/api/v1/app/fail-one/endpoint/ep_missing", { description: "x" }, 404],
      ["DELETE", "/api/v1/token/tok_missing", undefined, 404],
      ["DELETE", "/api/v1/event-type/never.registered", undefined, 404],
    ];
    for (const [method, url, payload, status] of failures) {
      expect((await api(method, url, payload)).status, `${method} ${url}`).toBe(status);
    }
    expect(await lastSeq()).toBe(before);
    expect(await rowsAfter(before)).toEqual([]);
    expect((await api("GET", "/api/v1/app/fail-two")).body.uid).toBe("fail-two");
  });

  it("filters by action, actor, resource, application and time, and pages with an iterator", async () => {
    const app = (await api("POST", "/api/v1/app", { name: "Filters" })).body.id as string;
    const ep = (await api("POST", `/api/v1/app/${app}/endpoint`, { url: "https://example.com/f" })).body
      .id as string;
    for (let i = 0; i < 3; i++)
      await api("PATCH", `/api/v1/app/${app}/endpoint/${ep}`, { description: `d${i}` });

    const byResource = await api("GET", `/api/v1/audit-log?resource_id=${ep}`);
    expect(byResource.body.data.map((r: AuditRowOut) => r.action)).toEqual([
      "endpoint.update",
      "endpoint.update",
      "endpoint.update",
      "endpoint.create",
    ]);
    const byApp = await api("GET", `/api/v1/audit-log?app_id=${app}&action=endpoint.*`);
    expect(byApp.body.data).toHaveLength(4);
    expect(
      (await api("GET", `/api/v1/audit-log?app_id=${app}&action=application.create`)).body.data,
    ).toHaveLength(1);
    expect((await api("GET", `/api/v1/audit-log?resource_id=${ep}&actor=${adminId}`)).body.data).toHaveLength(
      4,
    );
    expect((await api("GET", `/api/v1/audit-log?resource_id=${ep}&actor=cli`)).body.data).toHaveLength(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await api("GET", `/api/v1/audit-log?resource_id=${ep}&since=${future}`)).body.data).toHaveLength(
      0,
    );
    expect((await api("GET", `/api/v1/audit-log?resource_id=${ep}&until=${future}`)).body.data).toHaveLength(
      4,
    );

    const first = await api("GET", `/api/v1/audit-log?resource_id=${ep}&limit=3`);
    expect(first.body.done).toBe(false);
    const second = await api(
      "GET",
      `/api/v1/audit-log?resource_id=${ep}&limit=3&iterator=${first.body.iterator}`,
    );
    expect(second.body).toMatchObject({ done: true });
    expect(second.body.data.map((r: AuditRowOut) => r.action)).toEqual(["endpoint.create"]);
    const back = await api(
      "GET",
      `/api/v1/audit-log?resource_id=${ep}&limit=3&iterator=${second.body.prevIterator}`,
    );
    expect(back.body.data.map((r: AuditRowOut) => r.seq)).toEqual(
      first.body.data.map((r: AuditRowOut) => r.seq),
    );

    expect((await api("GET", "/api/v1/audit-log?iterator=abc")).status).toBe(400);
    expect((await api("GET", "/api/v1/audit-log?action=a%25b")).status).toBe(422);
  });

  it("verify names the first row whose content was changed in the database", async () => {
    const app = (await api("POST", "/api/v1/app", { name: "Tamper" })).body.id as string;
    await api("PATCH", `/api/v1/app/${app}`, { name: "Tamper 2" });
    expect((await api("GET", "/api/v1/audit-log/verify")).body).toMatchObject({
      ok: true,
      firstBroken: null,
    });
    const target = (await api("GET", `/api/v1/audit-log?resource_id=${app}&action=application.create`)).body
      .data[0] as AuditRowOut;
    await t.store.db
      .updateTable("audit_log")
      .set({ actor_name: "someone else" })
      .where("seq", "=", target.seq)
      .execute();
    const check = await api("GET", "/api/v1/audit-log/verify");
    expect(check.body).toMatchObject({ ok: false, firstBroken: { seq: target.seq } });
    // Put back, so the suite's other checks see an intact chain.
    await t.store.db
      .updateTable("audit_log")
      .set({ actor_name: target.actor.name })
      .where("seq", "=", target.seq)
      .execute();
    expect((await api("GET", "/api/v1/audit-log/verify")).body.ok).toBe(true);
  });

  it("is for unscoped tokens; an app-scoped principal only ever sees its application's rows", async () => {
    const mine = (await api("POST", "/api/v1/app", { name: "Mine" })).body.id as string;
    const other = (await api("POST", "/api/v1/app", { name: "Other" })).body.id as string;
    const scoped = await t.services.tokens.create(CLI_ACTOR, { name: "scoped", appId: mine });
    const auth = { authorization: `Bearer ${scoped.token}` };
    expect((await api("GET", "/api/v1/audit-log", undefined, auth)).status).toBe(403);
    expect((await api("GET", "/api/v1/audit-log/verify", undefined, auth)).status).toBe(403);

    const principal = await t.services.tokens.authenticate(scoped.token);
    const query = { limit: 250 };
    const seen = await t.services.audit.list(principal, query);
    expect(seen.data.length).toBeGreaterThan(0);
    expect(seen.data.every((r) => r.appId === mine)).toBe(true);
    expect((await t.services.audit.list(principal, { ...query, app_id: other })).data).toEqual([]);
  });
});
