import { afterAll, describe, expect, it } from "vitest";

import { TransformationSandbox } from "./transformation-sandbox.js";
import type { TransformationInput } from "./transformation-webhook.js";

const sandbox = new TransformationSandbox({ timeLimitMs: 250, memoryLimitBytes: 8 * 1024 * 1024 });
afterAll(() => sandbox.close());

const input: TransformationInput = {
  method: "POST",
  url: "https://receiver.test/hook",
  eventType: "invoice.paid",
  payload: '{"amount":100,"currency":"usd"}',
};

const run = (code: string, key = "ep_test") => sandbox.run(key, code, input);

describe("TransformationSandbox: transforms", () => {
  it("changes the payload, the event type, adds headers, keeps the rest", async () => {
    const r = await run(`function handler(webhook) {
      webhook.payload = { cents: webhook.payload.amount * 100, kind: webhook.eventType };
      webhook.eventType = "invoice.settled";
      webhook.headers["x-tenant"] = "t7";
      return webhook;
    }`);
    expect(r).toMatchObject({
      ok: true,
      webhook: {
        method: "POST",
        url: "https://receiver.test/hook",
        eventType: "invoice.settled",
        payload: '{"cents":10000,"kind":"invoice.paid"}',
        headers: { "x-tenant": "t7" },
        cancel: false,
      },
    });
  });

  it("cancels, changes method and URL, and treats a missing return as the mutated object", async () => {
    expect(await run("function handler(w) { w.cancel = true }")).toMatchObject({
      ok: true,
      webhook: { cancel: true },
    });
    expect(
      await run('function handler(w) { w.method = "PUT"; w.url = "https://other.test/x"; return w }'),
    ).toMatchObject({
      ok: true,
      webhook: { method: "PUT", url: "https://other.test/x" },
    });
  });

  it("caches per key and code: state survives between runs of the same code only", async () => {
    const code = "var n = 0; function handler(w) { w.payload = { n: ++n }; return w }";
    await run(code, "ep_cache");
    expect(await run(code, "ep_cache")).toMatchObject({ webhook: { payload: '{"n":2}' } });
    expect(await run(code, "ep_other")).toMatchObject({ webhook: { payload: '{"n":1}' } });
    expect(await run(code + " ", "ep_cache")).toMatchObject({ webhook: { payload: '{"n":1}' } });
  });
});

describe("TransformationSandbox: errors and bad shapes", () => {
  it("reports a throw, a syntax error, a missing handler and bad return shapes", async () => {
    expect(await run('function handler() { throw new Error("nope") }')).toMatchObject({
      ok: false,
      kind: "error",
      message: "Error: nope",
    });
    expect(await run("function handler( {")).toMatchObject({
      ok: false,
      kind: "error",
      message: expect.stringMatching(/SyntaxError/),
    });
    expect(await run("const x = 1;")).toMatchObject({
      ok: false,
      kind: "error",
      message: expect.stringMatching(/handler/),
    });
    expect(await run("function handler() { return 5 }")).toMatchObject({ ok: false, kind: "invalid" });
    expect(await run('function handler(w) { w.method = "DELETE"; return w }')).toMatchObject({
      ok: false,
      kind: "invalid",
      message: expect.stringMatching(/method/),
    });
    expect(await run('function handler(w) { w.url = "file:///etc/passwd"; return w }')).toMatchObject({
      ok: false,
      kind: "invalid",
    });
    expect(await run("function handler(w) { w.headers = { a: 1 }; return w }")).toMatchObject({
      ok: false,
      kind: "invalid",
    });
    expect(await run('function handler(w) { w.eventType = "bad type!"; return w }')).toMatchObject({
      ok: false,
      kind: "invalid",
    });
  });
});

describe("TransformationSandbox: hostile handlers are stopped and reported", () => {
  it("stops an infinite loop at the time limit, and the next run works", async () => {
    const started = Date.now();
    const r = await run("function handler(w) { while (true) {} }", "ep_loop");
    expect(r).toMatchObject({ ok: false, kind: "timeout", message: expect.stringMatching(/250 ms/) });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await run("function handler(w) { return w }", "ep_loop")).toMatchObject({ ok: true });
  });

  it("stops a loop in the top-level code too", async () => {
    expect(await run("for (;;) {} function handler(w) { return w }", "ep_toploop")).toMatchObject({
      ok: false,
      kind: "timeout",
    });
  });

  it("stops a huge allocation at the memory limit", async () => {
    const r = await run(
      'function handler(w) { const a = []; for (;;) a.push("x".repeat(1 << 16) + a.length + Math.random()); }',
      "ep_mem",
    );
    expect(r).toMatchObject({ ok: false, kind: "memory" });
    const big = await run("function handler(w) { w.payload = new Array(1e8).fill(1); return w }", "ep_mem2");
    expect(big.ok).toBe(false);
    expect(await run("function handler(w) { return w }", "ep_mem")).toMatchObject({ ok: true });
  });

  it("reports deep recursion as an error, not a crash", async () => {
    expect(await run("function f(n) { return f(n + 1) + 1 } function handler(w) { f(0) }")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/stack overflow|out of memory/i),
    });
  });

  it.each([
    ["require", 'function handler(w) { require("fs").readFileSync("/etc/passwd") }'],
    ["process", "function handler(w) { process.exit(1) }"],
    ["fetch", 'function handler(w) { fetch("http://127.0.0.1/") }'],
    ["import()", 'function handler(w) { return import("fs") }'],
    ["globalThis.process", "function handler(w) { globalThis.process.env }"],
    ["constructor escape", 'function handler(w) { (function(){}).constructor("return process")().exit(1) }'],
    ["setTimeout", "function handler(w) { setTimeout(() => {}, 0) }"],
  ])("has no host access: %s", async (_name, code) => {
    const r = await run(code, `ep_${_name}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.kind).toMatch(/error|invalid/);
  });

  it("sees nothing of the host in globalThis", async () => {
    const r = await run(
      "function handler(w) { w.payload = Object.getOwnPropertyNames(globalThis).filter((n) => /^(require|process|fetch|module|Buffer|std|os|setTimeout|XMLHttpRequest|WebSocket)$/.test(n)); return w }",
    );
    expect(r).toMatchObject({ ok: true, webhook: { payload: "[]" } });
  });

  it("keeps the host's JSON intact when the handler replaces JSON in its realm", async () => {
    const r = await run('JSON.stringify = () => "{}"; function handler(w) { return w }', "ep_json");
    expect(r.ok).toBe(false);
    expect(JSON.stringify({ a: 1 })).toBe('{"a":1}');
  });
});
