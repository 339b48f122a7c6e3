import type { AttemptOutcome } from "../delivery/attempt.js";
import type { SandboxResult } from "../lib/transformation-sandbox.js";
import type { TransformationInput, TransformationMethod } from "../lib/transformation-webhook.js";
import type { ClaimedDelivery } from "../store/deliveries-repository.js";

/**
 * Where the worker finds an endpoint's enabled transformation code (`TransformationCache`,
 * cached and batched) and runs it (`TransformationSandbox`). The composition root passes both.
 *
 * @example const t: Transformations = { codeFor: (id) => cache.codeFor(id), run: (k, c, i) => sandbox.run(k, c, i) };
 */
export interface Transformations {
  /** The enabled code of the endpoint, or undefined when it has none (or it is switched off). */
  codeFor(endpointId: string): Promise<string | undefined>;
  run(key: string, code: string, input: TransformationInput): Promise<SandboxResult>;
}

/**
 * What to send for one delivery: the request to sign and send, a cancellation, or a failed
 * transformation (an attempt outcome of its own: recorded and retried like any failed attempt).
 *
 * @example if (shape.kind === "send") attemptDelivery(client, { url: shape.url, body: shape.body, … })
 */
export type DispatchShape =
  | {
      kind: "send";
      url: string;
      method: TransformationMethod;
      /** The bytes to sign and send. */
      body: string;
      /** The event type after the transformation (for schemes that send it). */
      eventType: string;
      /** Headers the handler added, applied after the endpoint's own. */
      headers: Record<string, string>;
    }
  | { kind: "cancel"; response: string }
  | { kind: "fail"; outcome: AttemptOutcome };

/** Shown in the attempt log for a delivery its endpoint's transformation cancelled. */
export const CANCELLED_RESPONSE = "cancelled by the endpoint's transformation: not sent";

/**
 * Applies the endpoint's transformation, if it has one enabled, to a claimed delivery: the one
 * call the dispatch path makes (in `decide.ts`) before signing. Without a transformation the
 * delivery goes as stored. Never throws for anything the handler does.
 *
 * @example const shape = await applyTransformation(claimed, ctx.transformations);
 */
export async function applyTransformation(
  claimed: ClaimedDelivery,
  transformations: Transformations | undefined,
): Promise<DispatchShape> {
  const { endpoint, message } = claimed;
  // An expunged payload is still delivered, as an empty object, like Svix does.
  const payload = message.payload ?? "{}";
  const plain: DispatchShape = {
    kind: "send",
    url: endpoint.url,
    method: "POST",
    body: payload,
    eventType: message.event_type,
    headers: {},
  };
  const code = transformations ? await transformations.codeFor(endpoint.id) : undefined;
  if (!transformations || code === undefined) return plain;
  const result = await transformations.run(endpoint.id, code, {
    method: "POST",
    url: endpoint.url,
    eventType: message.event_type,
    payload,
  });
  if (!result.ok) {
    return {
      kind: "fail",
      outcome: {
        kind: "transformation_error",
        statusCode: 0,
        response: `transformation ${result.kind}: ${result.message}`,
        durationMs: Math.round(result.durationMs),
        gone: false,
      },
    };
  }
  const w = result.webhook;
  if (w.cancel) return { kind: "cancel", response: CANCELLED_RESPONSE };
  return {
    kind: "send",
    url: w.url,
    method: w.method,
    body: w.payload,
    eventType: w.eventType,
    headers: w.headers,
  };
}
