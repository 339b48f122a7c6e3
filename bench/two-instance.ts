/**
 * PostgreSQL only: ingest and delivery with two instances on the one database, and their ratio
 * to one instance. Ingest: two API processes, the load generator's connections split between
 * them (half each, so the offered load is the same as for one; with wrk, one wrk process per
 * API). Delivery: the backlog that made is drained by two worker processes at once.
 */
import { load } from "./load.js";
import type { OutboundDeps } from "./outbound-phase.js";
import { drain, type Servers, TOKEN } from "./processes.js";

export interface TwoInstanceDeps extends OutboundDeps, Servers {
  /** The one-instance figures of the same run. */
  single: { ingestRps: number; deliveryRps: number };
}

export async function twoInstancePhase(deps: TwoInstanceDeps): Promise<Record<string, number | string>> {
  const apis = await Promise.all([0, 1].map(() => deps.start({ ...deps.env, HOOKRELAY_ROLE: "api" })));
  const connections = Math.max(1, Math.floor(deps.connections / 2));
  const runs = await Promise.all(
    apis.map((a) =>
      load(deps.generator, {
        url: `${a.url}/api/v1/app/bench/msg`,
        headers: { authorization: `Bearer ${TOKEN}` },
        body: deps.body,
        connections,
        seconds: deps.seconds,
      }),
    ),
  );
  const accepted = runs.reduce((n, r) => n + r.requests, 0);
  const rejected = runs.reduce((n, r) => n + r.non2xx, 0);
  for (const a of apis) await deps.stop(a.child);

  deps.receiver.reset();
  const workers = await Promise.all([0, 1].map(() => deps.start({ ...deps.env, HOOKRELAY_ROLE: "worker" })));
  const { delivered, seconds } = await drain(deps.receiver, accepted * 2, 180_000);
  const deliveryRps = delivered / seconds;
  for (const w of workers) await deps.stop(w.child);

  const ingestRps = accepted / deps.seconds;
  return {
    ingest2Rps: Math.round(ingestRps),
    ingest2Non2xx: rejected,
    ingest2Ratio: (ingestRps / deps.single.ingestRps).toFixed(2),
    delivery2Rps: Math.round(deliveryRps),
    delivered2: delivered,
    delivery2Ratio: (deliveryRps / deps.single.deliveryRps).toFixed(2),
  };
}
