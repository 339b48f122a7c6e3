/**
 * Bench phase "inbound": Careem webhooks through the whole ingest path (source lookup, rate
 * limit, HMAC verification, de-duplication, normalization, message + request log in one commit).
 * Every request has its own body and signature, made in autocannon's `setupRequest`, so this
 * phase keeps autocannon in the bench process (wrk would have to sign in Lua); its CPU use
 * is reported with the figures.
 */
import { createHmac } from "node:crypto";

import autocannon from "autocannon";

import { CAREEM_SAMPLE_ORDER } from "../server/src/test-support/careem-sample.js";
import { adminCall } from "./outbound-phase.js";
import { peakRssMb, type Servers } from "./processes.js";

export interface InboundPhaseDeps extends Servers {
  env: Record<string, string>;
  seconds: number;
  connections: number;
}

const CAREEM_SECRET = "careem_bench_secret_0123456789";
const ORDER_NOTE = "x".repeat(560);
const SAMPLE = CAREEM_SAMPLE_ORDER.data.order;
/** The integration guide's sample order without its optional parts (address, payment, modifiers). */
const ORDER_PARTS = {
  status: SAMPLE.status,
  restaurant_id: SAMPLE.restaurant_id,
  customer: SAMPLE.customer,
  items: SAMPLE.items.map(({ modifiers: _modifiers, ...item }) => item),
  total_amount: SAMPLE.total_amount,
  currency: SAMPLE.currency,
};

/**
 * A distinct Careem `order.created` per call (distinct bodies, so none is a duplicate), about
 * the size of the outbound bench's payload, signed as Careem signs: hex HMAC-SHA256 of
 * "{timestamp}.{body}". Runs in autocannon's `setupRequest`, once per request.
 */
function signedCareemOrder(n: number): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    event_type: "order.created",
    timestamp: new Date().toISOString(),
    data: {
      order: {
        id: `careem_bench_${process.pid}_${n}`,
        order_number: `ORD-${n}`,
        ...ORDER_PARTS,
        note: ORDER_NOTE,
      },
    },
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", CAREEM_SECRET).update(`${timestamp}.${body}`).digest("hex");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-careem-timestamp": timestamp,
      "x-careem-signature": signature,
    },
  };
}

export async function inboundPhase(deps: InboundPhaseDeps): Promise<Record<string, number | string>> {
  const api = adminCall;
  const hr = await deps.start({ ...deps.env, HOOKRELAY_ROLE: "api" });
  try {
    await api(hr.url, "/api/v1/app?get_if_exists=true", { name: "Bench inbound", uid: "bench-inbound" });
    // Two endpoints, as in the outbound phase, so each message fans out to two delivery rows.
    await api(hr.url, "/api/v1/app/bench-inbound/endpoint", { url: "https://example.com/one", uid: "one" });
    await api(hr.url, "/api/v1/app/bench-inbound/endpoint", { url: "https://example.com/two", uid: "two" });
    // A limit far above the load, so the limiter runs on every request but refuses none.
    const config = { secret: CAREEM_SECRET, rateLimits: [{ points: 1_000_000_000, durationSeconds: 60 }] };
    await api(
      hr.url,
      "/api/v1/app/bench-inbound/source/bench-careem",
      { name: "Careem", provider: "careem", config },
      "PUT",
    );
    let n = 0;
    const run = (seconds: number) =>
      autocannon({
        url: `${hr.url}/webhooks/careem/bench-inbound`,
        connections: deps.connections,
        duration: seconds,
        requests: [
          {
            method: "POST",
            setupRequest: (req: Record<string, unknown>) => ({ ...req, ...signedCareemOrder(n++) }),
          },
        ],
      });
    await run(1);
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const inbound = await run(deps.seconds);
    const cpu = process.cpuUsage(cpuBefore);
    return {
      inboundRps: Math.round(inbound["2xx"] / deps.seconds),
      inboundNon2xx: inbound.non2xx + inbound.errors,
      inboundP50Ms: inbound.latency.p50,
      inboundP99Ms: inbound.latency.p99,
      inboundPeakRssMb: peakRssMb(hr.child.pid),
      inboundGeneratorCpu: Number(
        ((cpu.user + cpu.system) / ((performance.now() - startedAt) * 1000)).toFixed(2),
      ),
    };
  } finally {
    await deps.stop(hr.child);
  }
}
