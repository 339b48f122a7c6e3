import { afterAll, describe, expect, it } from "vitest";

import { TransformationSandbox } from "../lib/transformation-sandbox.js";
import type { ClaimedDelivery } from "../store/deliveries-repository.js";
import { applyTransformation, CANCELLED_RESPONSE, type Transformations } from "./transformation.js";

const sandbox = new TransformationSandbox({ timeLimitMs: 200, memoryLimitBytes: 4 * 1024 * 1024 });
afterAll(() => sandbox.close());

const claimed = {
  delivery: { id: "dlv_1" },
  endpoint: { id: "ep_1", url: "https://receiver.test/hook" },
  message: { id: "msg_1", payload: '{"a":1}', event_type: "order.created", created_at: 0 },
} as unknown as ClaimedDelivery;

const withCode = (code: string | undefined): Transformations => ({
  codeFor: async () => code,
  run: (key, c, input) => sandbox.run(key, c, input),
});

describe("applyTransformation", () => {
  it("sends the stored payload as it is without a transformation", async () => {
    expect(await applyTransformation(claimed, undefined)).toEqual({
      kind: "send",
      url: "https://receiver.test/hook",
      method: "POST",
      body: '{"a":1}',
      eventType: "order.created",
      headers: {},
    });
    expect(await applyTransformation(claimed, withCode(undefined))).toMatchObject({
      kind: "send",
      body: '{"a":1}',
    });
  });

  it("sends what the handler made of it", async () => {
    const shape = await applyTransformation(
      claimed,
      withCode(
        'function handler(w) { w.payload.b = 2; w.method = "PUT"; w.eventType = "order.new"; w.headers["x-a"] = "1"; return w }',
      ),
    );
    expect(shape).toEqual({
      kind: "send",
      url: "https://receiver.test/hook",
      method: "PUT",
      body: '{"a":1,"b":2}',
      eventType: "order.new",
      headers: { "x-a": "1" },
    });
  });

  it("cancels, and turns a failing handler into a failed attempt outcome", async () => {
    expect(
      await applyTransformation(claimed, withCode("function handler(w) { w.cancel = true; return w }")),
    ).toEqual({
      kind: "cancel",
      response: CANCELLED_RESPONSE,
    });
    const failed = await applyTransformation(claimed, withCode("function handler(w) { for (;;) {} }"));
    expect(failed).toMatchObject({
      kind: "fail",
      outcome: {
        kind: "transformation_error",
        statusCode: 0,
        gone: false,
        response: "transformation timeout: handler exceeded the 200 ms time limit",
      },
    });
  });
});
