import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/**
 * Prometheus metrics of one process. Created once by the composition root and handed to the
 * HTTP layer and the worker; `/metrics` serves `registry.metrics()`.
 *
 * @example const m = createMetrics(); m.messagesCreated.inc();
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "hookrelay_process_" });
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
    deliveryAttempts: new Counter({
      name: "hookrelay_delivery_attempts_total",
      help: "Delivery attempts by outcome",
      labelNames: ["outcome"] as const,
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
