import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export interface MetricsSources {
  /** Deliveries due and not yet picked up, read at each scrape. */
  backlog?: (now: number) => Promise<{ due: number; oldestDueAt: number | null; unexpanded?: number }>;
  /**
   * Circuits not closed, and deliveries under a live lease per endpoint (only endpoints with
   * some, at most `IN_FLIGHT_TOP` of them, the busiest first), read at each scrape.
   */
  circuits?: (now: number) => Promise<{ open: number; halfOpen: number; inFlight: { endpointId: string; count: number }[] }>;
}

/** Per-endpoint in-flight series kept per scrape: the busiest, so cardinality stays bounded. */
export const IN_FLIGHT_TOP = 50;

/**
 * Prometheus metrics of one process. Created once by the composition root and handed to the
 * HTTP layer and the worker; `/metrics` serves `registry.metrics()`.
 *
 * @example const m = createMetrics({ backlog: (now) => queue.backlog(now) }); m.messagesCreated.inc();
 */
export function createMetrics(sources: MetricsSources = {}) {
  const registry = new Registry();
  const backlog = sources.backlog;
  // One read per scrape feeds both queue gauges; a scrape during a database outage keeps the
  // last values rather than failing the whole scrape.
  let reading: Promise<void> | undefined;
  const readBacklog = (due: Gauge, lag: Gauge, unexpanded?: Gauge): Promise<void> => {
    if (!backlog) return Promise.resolve();
    reading ??= backlog(Date.now())
      .then(
        (b) => {
          due.set(b.due);
          lag.set(b.oldestDueAt === null ? 0 : Math.max(0, (Date.now() - b.oldestDueAt) / 1000));
          unexpanded?.set(b.unexpanded ?? 0);
        },
        () => undefined,
      )
      .finally(() => (reading = undefined));
    return reading;
  };
  const deliveriesDue: Gauge = new Gauge({
    name: "hookrelay_deliveries_due",
    help: "Deliveries due now that no worker has picked up yet (the queue backlog)",
    registers: [registry],
    collect: () => readBacklog(deliveriesDue, deliveryLag, messagesUnexpanded),
  });
  const deliveryLag: Gauge = new Gauge({
    name: "hookrelay_delivery_lag_seconds",
    help: "How long the oldest due delivery has been waiting for a worker",
    registers: [registry],
    collect: () => readBacklog(deliveriesDue, deliveryLag, messagesUnexpanded),
  });
  const messagesUnexpanded: Gauge = new Gauge({
    name: "hookrelay_messages_unexpanded",
    help: "Committed messages no worker has expanded into deliveries yet (ADR 0022)",
    registers: [registry],
    collect: () => readBacklog(deliveriesDue, deliveryLag, messagesUnexpanded),
  });
  const circuits = sources.circuits;
  let readingCircuits: Promise<void> | undefined;
  const readCircuits = (): Promise<void> => {
    if (!circuits) return Promise.resolve();
    readingCircuits ??= circuits(Date.now())
      .then(
        (c) => {
          circuitsOpen.set({ state: "open" }, c.open);
          circuitsOpen.set({ state: "half-open" }, c.halfOpen);
          // Reset first: an endpoint whose deliveries all finished drops out of the series.
          endpointInFlight.reset();
          let total = 0;
          for (const e of c.inFlight) total += e.count;
          deliveriesInFlight.set(total);
          for (const e of c.inFlight.slice(0, IN_FLIGHT_TOP)) endpointInFlight.set({ endpoint: e.endpointId }, e.count);
        },
        () => undefined,
      )
      .finally(() => (readingCircuits = undefined));
    return readingCircuits;
  };
  const circuitsOpen: Gauge<"state"> = new Gauge({
    name: "hookrelay_endpoint_circuits",
    help: "Endpoints whose circuit breaker is open or half-open (every instance)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect: readCircuits,
  });
  const deliveriesInFlight: Gauge = new Gauge({
    name: "hookrelay_deliveries_in_flight",
    help: "Deliveries under a live lease, all endpoints and instances",
    registers: [registry],
    collect: readCircuits,
  });
  const endpointInFlight: Gauge<"endpoint"> = new Gauge({
    name: "hookrelay_endpoint_in_flight",
    help: `Deliveries under a live lease per endpoint: only endpoints with some, the ${IN_FLIGHT_TOP} busiest`,
    labelNames: ["endpoint"] as const,
    registers: [registry],
    collect: readCircuits,
  });
  // prom-client's names (process_cpu_seconds_total, nodejs_heap_size_used_bytes …) with our prefix once.
  collectDefaultMetrics({ register: registry, prefix: "hookrelay_" });
  return {
    registry,
    httpRequests: new Histogram({
      name: "hookrelay_http_request_duration_seconds",
      help: "API request duration by route and status class",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    messagesCreated: new Counter({
      name: "hookrelay_messages_created_total",
      help: "Messages accepted (outbound API and inbound relays)",
      registers: [registry],
    }),
    inboundRequests: new Counter({
      name: "hookrelay_inbound_requests_total",
      help: "Inbound webhook calls by provider, source and outcome (accepted, duplicate, handshake, or the rejection code)",
      labelNames: ["provider", "source", "outcome"] as const,
      registers: [registry],
    }),
    deliveryAttempts: new Counter({
      name: "hookrelay_delivery_attempts_total",
      help: "Delivery attempts by outcome",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    taskBatches: new Counter({
      name: "hookrelay_background_task_batches_total",
      help: "Background-task batches committed, by task type",
      labelNames: ["task"] as const,
      registers: [registry],
    }),
    taskMessages: new Counter({
      name: "hookrelay_background_task_messages_total",
      help: "Messages queued again (recover, replays) or purged by background tasks, by task type",
      labelNames: ["task"] as const,
      registers: [registry],
    }),
    taskProgress: new Gauge({
      name: "hookrelay_background_task_progress_ratio",
      help: "Progress (0 to 1) of each background task this worker is running; the series goes when the task ends",
      labelNames: ["task", "id"] as const,
      registers: [registry],
    }),
    circuitTransitions: new Counter({
      name: "hookrelay_circuit_transitions_total",
      help: "Endpoint circuit transitions made by this worker: open, closed, or disabled after consecutive failures",
      labelNames: ["state"] as const,
      registers: [registry],
    }),
    fanoutLag: new Histogram({
      name: "hookrelay_fanout_lag_seconds",
      help: "From a message's commit to its expansion into deliveries by a worker (ADR 0022)",
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
      registers: [registry],
    }),
    messagesExpanded: new Counter({
      name: "hookrelay_messages_expanded_total",
      help: "Messages this worker expanded into their delivery rows",
      registers: [registry],
    }),
    deliveryDuration: new Histogram({
      name: "hookrelay_delivery_duration_seconds",
      help: "Duration of delivery attempts",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
