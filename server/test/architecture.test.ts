import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

import { describe, expect, it } from "vitest";

/**
 * The import rules of docs/architecture.md, checked on every source file of server/src (tests
 * and test support excepted): a new import against the flow, or a new import cycle, fails here
 * with the file and the import named. ESLint's zones catch the same imports as you type; this
 * test also sees type-only imports and cycles, which the zones do not.
 */
const SRC = resolve(import.meta.dirname, "../src");

/** What each top-level folder may not import: server/import-rules.json, shared with ESLint. */
const FORBIDDEN = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, "../import-rules.json"), "utf8")) as {
    forbidden: Record<string, readonly string[]>;
  }
).forbidden;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "test-support" ? [] : sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

const layerOf = (file: string) => relative(SRC, file).split("/")[0]!;

/** Relative imports and re-exports of a file, resolved to .ts paths, type-only ones included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)) {
    found.push(resolve(dirname(file), m[1]!).replace(/\.js$/, ".ts"));
  }
  return found;
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));

/** Every cycle's files (strongly connected components of more than one file, Tarjan). */
function cycles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(relative(SRC, w));
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

describe("server/src architecture", () => {
  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it("imports only along the flow (docs/architecture.md)", () => {
    const against = files.flatMap((f) =>
      (graph.get(f) ?? [])
        .filter((t) => layerOf(t) !== layerOf(f) && (FORBIDDEN[layerOf(f)] ?? []).includes(layerOf(t)))
        .map((t) => `${relative(SRC, f)} → ${relative(SRC, t)}`),
    );
    expect(against).toEqual([]);
  });

  it("has no import cycles", () => {
    expect(cycles()).toEqual([]);
  });

  it("keeps source files under 400 lines", () => {
    const long = files
      .map((f) => [relative(SRC, f), readFileSync(f, "utf8").split("\n").length] as const)
      .filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });
});
