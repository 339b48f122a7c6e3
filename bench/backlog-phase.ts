/**
 * Bench phase "backlog" (issue 13: RSS with 1 M pending deliveries). One application with 10
 * endpoints at the receiver; `deliveries / 10` messages created through the API (an API-only
 * process, so nothing is expanded yet) by the raw undici loop in its own process, 64 in flight.
 * Then a worker process starts and expands them (fan-out happens in the worker, ADR 0022) while
 * it delivers, and after the last expansion delivers for `windowSeconds` more. Throughout, from
 * the worker's start, VmRSS of the API and worker processes is sampled every 500 ms; VmHWM (the
 * kernel's peak) is read at the end. `npm run bench -- --phase backlog [--backlog-deliveries N]`.
 */
import { type RawBuilder, sql } from "kysely";

import { openStore, type Store } from "../server/src/store/database.js";
import {
  type FreshStore,
  type Proc,
  rssMb,
  runUndiciLoop,
  type Servers,
  startReceiver,
} from "./processes.js";

export interface BacklogPhaseDeps extends Servers {
  store: FreshStore;
  token: string;
  /** The message create body. */
  body: string;
  deliveries: number;
  windowSeconds: number;
}

const ENDPOINTS = 10;
const SAMPLE_MS = 500;
/** The expansion must end within this, or the phase fails rather than run on. */
const EXPAND_DEADLINE_MS = 300_000;

const count = async (store: Store, query: RawBuilder<{ n: number | string | null }>): Promise<number> =>
  Number((await query.execute(store.db)).rows[0]!.n);

export async function backlogPhase(deps: BacklogPhaseDeps): Promise<Record<string, number | string>> {
  const messages = Math.ceil(deps.deliveries / ENDPOINTS);
  const receiver = await startReceiver();
  const api = await deps.start({ ...deps.store.env, HOOKRELAY_ROLE: "api" });
  let worker: Proc | undefined;
  let store: Store | undefined;
  try {
    const headers = { authorization: `Bearer ${deps.token}`, "content-type": "application/json" };
    const call = async (path: string, body: unknown): Promise<void> => {
      const r = await fetch(api.url + path, { method: "POST", headers, body: JSON.stringify(body) });
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    };
    await call("/api/v1/app", { name: "Backlog", uid: "backlog" });
    for (let i = 0; i < ENDPOINTS; i++)
      await call("/api/v1/app/backlog/endpoint", { url: `${receiver.url}/e${i}` });
    const created = await runUndiciLoop({
      url: api.url,
      path: "/api/v1/app/backlog/msg",
      total: messages,
      concurrency: 64,
      headers,
      body: deps.body,
    });
    if (created.non2xx > 0) throw new Error(`${created.non2xx} of ${messages} message creates failed`);

    store = await openStore({ dataDir: deps.store.dataDir, databaseUrl: deps.store.databaseUrl });
    const db = store;
    // Through the partial index on unexpanded messages (migration 0020): cheap while it shrinks.
    const unexpanded = () => count(db, sql`SELECT COUNT(*) AS n FROM messages WHERE expanded_at IS NULL`);
    receiver.reset();
    const rss = { api: [] as number[], worker: [] as number[] };
    let peakPending = 0;
    let sampling = false;
    const workerStartedAt = Date.now();
    // Pending ≈ rows written (10 per expanded message) − rows the receiver has seen; the exact
    // count is taken once, below, when the expansion is over.
    const sample = async (): Promise<void> => {
      if (sampling) return;
      sampling = true;
      try {
        rss.api.push(rssMb(api.child.pid, "VmRSS"));
        // The worker's first samples fall before it announced its start; they are left out.
        if (worker) rss.worker.push(rssMb(worker.child.pid, "VmRSS"));
        const left = await unexpanded();
        peakPending = Math.max(peakPending, (messages - left) * ENDPOINTS - (await receiver.count()));
      } finally {
        sampling = false;
      }
    };
    const sampler = setInterval(() => void sample(), SAMPLE_MS);
    try {
      worker = await deps.start({ ...deps.store.env, HOOKRELAY_ROLE: "worker" });
      while ((await unexpanded()) > 0) {
        if (Date.now() - workerStartedAt > EXPAND_DEADLINE_MS)
          throw new Error(`expansion unfinished after ${EXPAND_DEADLINE_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const first = await count(db, sql`SELECT MIN(expanded_at) AS n FROM messages`);
      const last = await count(db, sql`SELECT MAX(expanded_at) AS n FROM messages`);
      const deliveredDuringExpansion = await receiver.count();
      const rows = await count(db, sql`SELECT COUNT(*) AS n FROM deliveries`);
      const pendingAtWindow = await count(
        db,
        sql`SELECT COUNT(*) AS n FROM deliveries WHERE status IN (1, 3)`,
      );
      const windowStart = { at: performance.now(), delivered: await receiver.count() };
      // The window ends early when the backlog is delivered, so an idle tail does not lower the rate.
      let seen = windowStart.delivered;
      while (performance.now() - windowStart.at < deps.windowSeconds * 1000 && seen < rows) {
        await new Promise((r) => setTimeout(r, 100));
        seen = await receiver.count();
      }
      const delivered = seen - windowStart.delivered;
      const windowSeconds = (performance.now() - windowStart.at) / 1000;
      clearInterval(sampler);
      const expandSeconds = (last - workerStartedAt) / 1000;
      const max = (xs: number[]) => xs.reduce((a, b) => (Number.isNaN(b) ? a : Math.max(a, b)), 0);
      return {
        backlogMessages: messages,
        backlogEndpoints: ENDPOINTS,
        backlogDeliveryRows: rows,
        backlogCreateRps: Math.round(created.rps),
        backlogExpandSeconds: Number(expandSeconds.toFixed(1)),
        backlogFirstExpandedSeconds: Number(((first - workerStartedAt) / 1000).toFixed(1)),
        backlogDeliveredDuringExpansion: deliveredDuringExpansion,
        backlogDeliveryRpsDuringExpansion: Math.round(deliveredDuringExpansion / expandSeconds),
        backlogPeakPendingEstimate: peakPending,
        backlogPendingAtWindow: pendingAtWindow,
        backlogWindowSeconds: Number(windowSeconds.toFixed(1)),
        backlogWindowDelivered: delivered,
        backlogWindowRps: Math.round(delivered / windowSeconds),
        // The kernel updates VmHWM lazily, so it can trail the sampled VmRSS by a page or two.
        backlogApiPeakRssMb: rssMb(api.child.pid, "VmHWM"),
        backlogWorkerPeakRssMb: rssMb(worker.child.pid, "VmHWM"),
        backlogApiSampledMaxRssMb: max(rss.api),
        backlogWorkerSampledMaxRssMb: max(rss.worker),
        backlogApiFinalRssMb: rssMb(api.child.pid, "VmRSS"),
        backlogWorkerFinalRssMb: rssMb(worker.child.pid, "VmRSS"),
        backlogRssSamples: rss.worker.length,
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await store?.close();
    if (worker) await deps.stop(worker.child);
    await deps.stop(api.child);
    receiver.child.kill();
  }
}

/** RESULTS.md rows for the phase; none when it did not run. */
export function backlogReportLines(r: Record<string, number | string>): string[] {
  if (r.backlogMessages === undefined) return [];
  return [
    `| backlog: ${r.backlogMessages} messages × ${r.backlogEndpoints} endpoints (${r.backlogDeliveryRows} delivery rows), created at | ${r.backlogCreateRps} msg/s |`,
    `| backlog: worker start → first / last message expanded | ${r.backlogFirstExpandedSeconds} s / ${r.backlogExpandSeconds} s (${r.backlogDeliveredDuringExpansion} delivered meanwhile, ${r.backlogDeliveryRpsDuringExpansion}/s; peak pending ≈ ${r.backlogPeakPendingEstimate}) |`,
    `| backlog: deliveries/s over ${r.backlogWindowSeconds} s after expansion (${r.backlogWindowDelivered} delivered), ${r.backlogPendingAtWindow} pending at its start | ${r.backlogWindowRps} deliveries/s |`,
    `| backlog: peak RSS (VmHWM) API / worker | ${r.backlogApiPeakRssMb} MB / ${r.backlogWorkerPeakRssMb} MB |`,
    `| backlog: RSS sampled every 500 ms from worker start, max / final, API · worker | ${r.backlogApiSampledMaxRssMb} / ${r.backlogApiFinalRssMb} MB · ${r.backlogWorkerSampledMaxRssMb} / ${r.backlogWorkerFinalRssMb} MB |`,
  ];
}
