import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../../..");

/** A loopback port free right now, for a README snippet's server moved off its documented port. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * The README's tested code blocks, by name: each is the fenced block right after an
 * `<!-- readme-test: NAME -->` comment. A marker without a block is an error, so a README edit
 * that breaks the marker fails the test instead of silently testing less.
 */
export function readmeSnippets(path = join(ROOT, "README.md")): Map<string, string> {
  const text = readFileSync(path, "utf8");
  const snippets = new Map<string, string>();
  for (const marker of text.matchAll(/<!-- readme-test: ([\w-]+) -->/g)) {
    const after = text.slice(marker.index + marker[0].length);
    const block = after.match(/^\s*```\w*\n([\s\S]*?)\n```/);
    if (!block?.[1]) throw new Error(`README marker "${marker[1]}" is not followed by a fenced code block`);
    snippets.set(marker[1]!, block[1]);
  }
  return snippets;
}

/** Replaces every occurrence of `from`, which must occur: a README that no longer says it fails. */
export function rewrite(code: string, from: string, to: string): string {
  if (!code.includes(from)) throw new Error(`snippet no longer contains ${JSON.stringify(from)}:\n${code}`);
  return code.split(from).join(to);
}

export interface Run {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output contains `text`, rejects after `ms` or when the process exits first. */
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Runs a command with only the given environment (plus PATH and HOME), collecting its output. */
export function run(command: string, args: string[], env: Record<string, string>, cwd = ROOT): Run {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer): void => {
    output += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const waitFor = (text: string | RegExp, ms = 15_000): Promise<void> =>
    new Promise((resolvePromise, reject) => {
      const found = (): boolean => (typeof text === "string" ? output.includes(text) : text.test(output));
      if (found()) return resolvePromise();
      const timer = setTimeout(
        () => done(new Error(`no ${String(text)} within ${ms} ms; output:\n${output}`)),
        ms,
      );
      const check = (): void => {
        if (found()) done();
      };
      const done = (err?: Error): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (err) reject(err);
        else resolvePromise();
      };
      listeners.add(check);
      void exited.then((code) => {
        if (!found()) done(new Error(`exited with ${code} before ${String(text)}; output:\n${output}`));
      });
    });
  return { child, output: () => output, waitFor, exited };
}

/**
 * Runs the README's JavaScript snippet `name` as written, its `http://127.0.0.1:8071` pointed at
 * `serverUrl`, with node from inside the repository (so `import "svix"` resolves from its
 * node_modules) and `HOOKRELAY_TOKEN` set; resolves with its exit code and output.
 *
 * @example const { code, output } = await runReadmeSnippet("ingest", server.url, server.token)
 */
export async function runReadmeSnippet(name: string, serverUrl: string, token: string): Promise<{ code: number | null; output: string }> {
  const code = rewrite(readmeSnippets().get(name)!, "http://127.0.0.1:8071", serverUrl);
  mkdirSync(join(ROOT, "tmp"), { recursive: true });
  const dir = mkdtempSync(join(ROOT, "tmp", `readme-${name}-`));
  try {
    writeFileSync(join(dir, `${name}.mjs`), code);
    const example = run(process.execPath, [join(dir, `${name}.mjs`)], { HOOKRELAY_TOKEN: token });
    const exitCode = await example.exited;
    return { code: exitCode, output: example.output() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
