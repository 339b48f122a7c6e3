import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";

import {
  newQuickJSWASMModule,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
  RELEASE_SYNC,
} from "quickjs-emscripten";

import {
  readTransformedWebhook,
  type TransformationInput,
  type TransformedWebhook,
} from "./transformation-webhook.js";

/**
 * Limits for one handler run. The time limit bounds how long the handler may hold the event
 * loop (QuickJS runs synchronously, and its interrupt handler is polled while it runs); the
 * memory limit bounds what one cached handler may allocate inside its own QuickJS runtime.
 */
export interface SandboxLimits {
  timeLimitMs: number;
  memoryLimitBytes: number;
  /** Cached handlers kept (one QuickJS runtime each); the least recently used goes first. */
  maxCached?: number;
}

/** Why a handler produced no delivery. */
export type SandboxFailureKind = "error" | "timeout" | "memory" | "invalid";

/**
 * What one run came to: the transformed webhook, or a failure the attempt log can show.
 *
 * @example if (!result.ok) record(`transformation ${result.kind}: ${result.message}`)
 */
export type SandboxResult =
  | { ok: true; webhook: TransformedWebhook; durationMs: number }
  | { ok: false; kind: SandboxFailureKind; message: string; durationMs: number };

// Stack for the handler's own recursion; QuickJS reports "stack overflow" past it. Measured on
// Node 20: 256 KiB is reported cleanly, 512 KiB overruns V8's own stack first (a host RangeError).
const MAX_STACK_BYTES = 256 * 1024;
// A cached handler (runtime + context + compiled code) holds well under 100 KiB: 100 of them fit
// in the module's first 16 MiB (measured), so 128 stay inside the headroom below.
const DEFAULT_MAX_CACHED = 128;
const WASM_PAGE = 64 * 1024;
// What the wasm heap holds besides the running handler's allocations: QuickJS's static data and
// the cached handlers.
const WASM_HEADROOM_BYTES = 32 * 1024 * 1024;
// Runs after the user's code, in the same realm; it captures JSON's functions at that moment.
// The handler gets the webhook object and may return it (or another object); returning
// nothing means "the object I was given, as I changed it".
const RUNNER = `(() => {
  const P = JSON.parse, S = JSON.stringify;
  return (input, payload) => {
    const webhook = P(input);
    webhook.payload = P(payload);
    if (typeof handler !== "function") throw new TypeError("the code must declare function handler(webhook)");
    const out = handler(webhook);
    return S(out === undefined ? webhook : out);
  };
})()`;

const WARM_UP = "function handler(w) { w.payload.b = JSON.stringify(w.payload).length; return JSON.stringify(w) }";

interface CachedHandler {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  run: QuickJSHandle;
}

/**
 * Runs users' `function handler(webhook) { … }` in QuickJS compiled to WebAssembly (ADR 16): no
 * `require`, `process`, `fetch`, timers or I/O exist inside, each handler has its own QuickJS
 * runtime with a memory limit, and every call is interrupted at its time limit. Compiled
 * handlers are cached by key and code hash; a run that timed out, ran out of memory or threw
 * from its top level throws its runtime away, so no broken state carries over.
 *
 * @example
 * const sandbox = new TransformationSandbox({ timeLimitMs: 100, memoryLimitBytes: 16 << 20 });
 * const r = await sandbox.run("ep_1", "function handler(w) { w.payload.x = 1; return w }", { method: "POST", url, eventType: "a", payload: "{}" });
 */
export class TransformationSandbox {
  private module: Promise<QuickJSWASMModule> | undefined;
  private readonly cache = new Map<string, CachedHandler>();

  constructor(private readonly limits: SandboxLimits) {}

  /** Runs `code` for `key` (an endpoint id, say) on one webhook. Never throws. */
  async run(key: string, code: string, input: TransformationInput): Promise<SandboxResult> {
    const quickjs = await (this.module ??= this.load());
    const started = performance.now();
    const elapsed = (): number => Math.round((performance.now() - started) * 100) / 100;
    const cacheKey = `${key}:${createHash("sha256").update(code).digest("base64url")}`;
    let deadlinePassed = false;
    // Compiling (with the code's top level) and the call each get the whole limit: a cold
    // handler must not lose its run's time to its first compile.
    let deadline = Date.now() + this.limits.timeLimitMs;
    let cached: CachedHandler | undefined;
    try {
      cached = this.cache.get(cacheKey);
      if (cached) {
        // Most recently used last, so eviction takes the oldest.
        this.cache.delete(cacheKey);
        this.cache.set(cacheKey, cached);
      }
      const handler =
        cached ?? this.compile(quickjs, cacheKey, code, () => (deadlinePassed ||= Date.now() > deadline));
      cached = handler;
      deadline = Date.now() + this.limits.timeLimitMs;
      handler.runtime.setInterruptHandler(() => (deadlinePassed ||= Date.now() > deadline));
      const { context } = handler;
      const inputText = JSON.stringify({
        method: input.method,
        url: input.url,
        eventType: input.eventType,
        headers: {},
        cancel: false,
      });
      const args = [context.newString(inputText), context.newString(input.payload)];
      const answer = context.callFunction(handler.run, context.undefined, ...args);
      for (const a of args) a.dispose();
      if (answer.error) {
        const message = errorText(context, answer.error);
        answer.error.dispose();
        return this.failure(cacheKey, message, deadlinePassed, elapsed());
      }
      const text = context.typeof(answer.value) === "string" ? context.getString(answer.value) : undefined;
      answer.value.dispose();
      if (text === undefined)
        return {
          ok: false,
          kind: "invalid",
          message: "handler must return the webhook object",
          durationMs: elapsed(),
        };
      const read = readTransformedWebhook(text);
      if (!read.ok) return { ok: false, kind: "invalid", message: read.message, durationMs: elapsed() };
      return { ok: true, webhook: read.webhook, durationMs: elapsed() };
    } catch (error) {
      // A compile error, or QuickJS failing to allocate before any JS ran.
      const message = error instanceof CompileError ? error.message : `sandbox error: ${String(error)}`;
      return this.failure(cacheKey, message, deadlinePassed, elapsed());
    }
  }

  /** Drops every cached handler and its runtime. */
  close(): void {
    for (const key of [...this.cache.keys()]) this.evict(key);
  }

  /**
   * A QuickJS module of our own with a capped WebAssembly memory. QuickJS on wasm cannot size
   * its allocations (no malloc_usable_size), so its per-runtime limit counts little more than
   * the number of allocations: 64 KiB strings slip past it. The cap is the hard bound — the
   * heap can never grow past headroom + the limit, and an allocation beyond it fails inside
   * QuickJS as "out of memory". Handlers run one at a time (synchronously), and a failed one is
   * disposed at once, so the running handler has the limit to itself.
   */
  private async load(): Promise<QuickJSWASMModule> {
    const maximum = Math.ceil((WASM_HEADROOM_BYTES + this.limits.memoryLimitBytes) / WASM_PAGE);
    const wasmMemory = new WasmMemory({ initial: Math.min(256, maximum), maximum });
    const module = await newQuickJSWASMModule(newVariant(RELEASE_SYNC, { wasmMemory: wasmMemory as never }));
    // V8 compiles wasm functions lazily, on their first call: a first handler run paid for
    // compiling the interpreter's hot paths (tens of ms on a busy machine, measured) inside its
    // time limit. One untimed run of the same paths here pays it up front.
    const runtime = module.newRuntime();
    const context = runtime.newContext();
    context.evalCode(`${WARM_UP}\n${RUNNER}`).dispose();
    for (let i = 0; i < 3; i++) context.evalCode(`handler(JSON.parse('{"payload":{"a":[1,"b"]}}'))`).dispose();
    context.dispose();
    runtime.dispose();
    return module;
  }

  private compile(
    quickjs: QuickJSWASMModule,
    cacheKey: string,
    code: string,
    interrupt: () => boolean,
  ): CachedHandler {
    const runtime = quickjs.newRuntime();
    runtime.setMemoryLimit(this.limits.memoryLimitBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    runtime.setInterruptHandler(interrupt);
    const context = runtime.newContext();
    const entry: CachedHandler = { runtime, context, run: context.undefined };
    // Cached before the code runs, so a failure below evicts (and disposes) it like any other.
    this.cache.set(cacheKey, entry);
    const max = this.limits.maxCached ?? DEFAULT_MAX_CACHED;
    while (this.cache.size > max) this.evict(this.cache.keys().next().value!);
    for (const source of [code, RUNNER]) {
      const result = context.evalCode(source, "transformation.js");
      if (result.error) {
        const message = errorText(context, result.error);
        result.error.dispose();
        throw new CompileError(message);
      }
      if (source === RUNNER) entry.run = result.value;
      else result.value.dispose();
    }
    return entry;
  }

  private failure(cacheKey: string, message: string, timedOut: boolean, durationMs: number): SandboxResult {
    // After an interrupt or an allocation failure the realm may be half-updated: start afresh.
    this.evict(cacheKey);
    if (/out of memory|string too long|invalid array length/i.test(message)) {
      return {
        ok: false,
        kind: "memory",
        message: `handler exceeded the ${this.limits.memoryLimitBytes} byte memory limit (${message})`,
        durationMs,
      };
    }
    if (timedOut)
      return {
        ok: false,
        kind: "timeout",
        message: `handler exceeded the ${this.limits.timeLimitMs} ms time limit`,
        durationMs,
      };
    return { ok: false, kind: "error", message, durationMs };
  }

  private evict(cacheKey: string): void {
    const entry = this.cache.get(cacheKey);
    if (!entry) return;
    this.cache.delete(cacheKey);
    try {
      entry.run.dispose();
      entry.context.dispose();
      entry.runtime.dispose();
    } catch {
      // A runtime stopped mid-allocation may fail its own leak check on dispose; its memory
      // goes back to the wasm allocator either way, and nothing else refers to it.
    }
  }
}

class CompileError extends Error {}

// The server's TypeScript libs (ES2023, no DOM) do not declare WebAssembly; Node 20 has it.
const WasmMemory = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => object };
  }
).WebAssembly.Memory;

/** "TypeError: x is not a function", from a QuickJS exception value, bounded. */
function errorText(context: QuickJSContext, error: QuickJSHandle): string {
  let text: string;
  try {
    const dumped: unknown = context.dump(error);
    if (dumped && typeof dumped === "object" && "message" in dumped) {
      const { name, message } = dumped as { name?: unknown; message?: unknown };
      text = `${typeof name === "string" ? name : "Error"}: ${String(message)}`;
    } else {
      text = `thrown: ${typeof dumped === "string" ? dumped : JSON.stringify(dumped)}`;
    }
  } catch {
    text = "handler failed";
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
