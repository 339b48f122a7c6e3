import { isInteger, parse as parseLossless } from "lossless-json";

import { jsonDepthWithin } from "./json-depth.js";

/**
 * Per-endpoint content filters (ADR 0017): a JSON condition on a message's payload, evaluated
 * at fan-out. Pure: no I/O, no store, so it moves with fan-out (issue 13 plans it in the worker).
 *
 * A condition is an object; every key of it must hold (an implicit AND):
 * - a field name: the condition under it applies to that member of the current value. A scalar
 *   or an array there means equality (`{"type": "card"}`), an object a nested condition.
 * - `$eq`, `$neq`, `$in`, `$nin`, `$gt`, `$gte`, `$lt`, `$lte`, `$exists`: test the current value.
 * - `$and`, `$or` (non-empty arrays of conditions), `$not` (one condition): combine conditions
 *   on the current value.
 * Arrays in the payload: a test on an array value holds if the whole array passes it (equality
 * with an array literal) or any element does; a field name under an array value applies to each
 * element (any must match); a field name of digits on an array value is an index instead.
 */
export type CompiledFilter = (payload: unknown) => boolean;

/** Bounds on one filter: JSON nesting, conditions and values counted, serialized size. */
export const FILTER_LIMITS = { depth: 10, nodes: 256, bytes: 8192 } as const;

const COMPARISONS = ["$gt", "$gte", "$lt", "$lte"] as const;
const OPERATORS = new Set(["$eq", "$neq", "$in", "$nin", ...COMPARISONS, "$exists", "$and", "$or", "$not"]);

/**
 * A filter that cannot be compiled; `path` locates the fault (JSON keys and array indexes).
 *
 * @example try { compileContentFilter({ a: { $like: "x" } }) } catch (e) { e.path } // ["a", "$like"]
 */
export class ContentFilterError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[],
  ) {
    super(message);
  }
}

interface Budget {
  nodes: number;
}

/**
 * Validates a filter and builds its matcher, once per endpoint (fan-out caches it).
 *
 * @example compileContentFilter({ data: { amount: { $gte: 100 } } })({ data: { amount: 250 } }) // true
 * @throws ContentFilterError on an unknown operator, a bad operand, or a filter over the limits.
 */
export function compileContentFilter(filter: unknown): CompiledFilter {
  if (!isPlainObject(filter)) throw new ContentFilterError("A filter must be a JSON object.", []);
  // Checked first, iteratively: the walks below recurse.
  if (!jsonDepthWithin(filter, FILTER_LIMITS.depth)) {
    throw new ContentFilterError(`A filter nests objects and arrays at most ${FILTER_LIMITS.depth} levels deep.`, []);
  }
  const size = Buffer.byteLength(JSON.stringify(filter));
  if (size > FILTER_LIMITS.bytes) {
    throw new ContentFilterError(`A filter is at most ${FILTER_LIMITS.bytes} bytes of JSON (this one is ${size}).`, []);
  }
  return condition(filter, [], { nodes: 0 });
}

/**
 * Compiles a filter as stored (JSON text). A stored filter passed validation when written; one
 * that no longer compiles (a later, stricter release) matches nothing: a filter exists to keep
 * payloads from a receiver, so it fails closed.
 *
 * @example compileStoredFilter('{"type":"card"}')({ type: "card" }) // true
 */
export function compileStoredFilter(text: string): CompiledFilter {
  try {
    return compileContentFilter(JSON.parse(text));
  } catch {
    return () => false;
  }
}

/** Why a filter is refused, or null when it compiles: for request validation. */
export function contentFilterProblem(filter: unknown): ContentFilterError | null {
  try {
    compileContentFilter(filter);
    return null;
  } catch (error) {
    if (error instanceof ContentFilterError) return error;
    throw error;
  }
}

/**
 * Parses a stored payload for matching. Integers beyond ±(2^53−1) become bigints, so they compare
 * exactly (a double would round 9007199254740993 to …992); everything else is JSON.parse's value.
 * The slower lossless parser runs only when the text has a run of 16+ digits (2^53 has 16).
 *
 * @example parsePayloadForFilter('{"n":9007199254740993}') // { n: 9007199254740993n }
 */
export function parsePayloadForFilter(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  return parseLossless(text, null, (digits) => {
    const n = Number(digits);
    return isInteger(digits) && !Number.isSafeInteger(n) ? BigInt(digits) : n;
  });
}

/**
 * Whether a stored payload's text passes a filter. A missing (expunged) or unparsable payload
 * passes none: there is nothing to show the filter held.
 *
 * @example payloadTextPasses(compileStoredFilter('{"a":1}'), '{"a":1}') // true
 */
export function payloadTextPasses(filter: CompiledFilter, text: string | null): boolean {
  if (text === null) return false;
  try {
    return filter(parsePayloadForFilter(text));
  } catch {
    return false;
  }
}

function condition(spec: Record<string, unknown>, path: (string | number)[], budget: Budget): CompiledFilter {
  count(budget, path);
  const operators: CompiledFilter[] = [];
  const indexes: CompiledFilter[] = [];
  const names: CompiledFilter[] = [];
  for (const [key, operand] of Object.entries(spec)) {
    const at = [...path, key];
    if (key.startsWith("$")) operators.push(operator(key, operand, at, budget));
    else if (INDEX.test(key)) indexes.push(member(key, Number(key), valueCondition(operand, at, budget)));
    else names.push(member(key, undefined, valueCondition(operand, at, budget)));
  }
  const all = (parts: CompiledFilter[], value: unknown) => parts.every((part) => part(value));
  return (value) =>
    all(operators, value) &&
    all(indexes, value) &&
    // Field names under an array apply to its elements, and one element must satisfy them all.
    (names.length === 0 || (Array.isArray(value) ? value.some((element) => all(names, element)) : all(names, value)));
}

const INDEX = /^(0|[1-9]\d{0,8})$/;

/** A condition under a field name: an object nests, anything else is equality. */
function valueCondition(operand: unknown, path: (string | number)[], budget: Budget): CompiledFilter {
  if (isPlainObject(operand)) return condition(operand, path, budget);
  return operator("$eq", operand, path, budget);
}

/** Tests the member `key` of an object (or the element `index` of an array) with `test`. */
function member(key: string, index: number | undefined, test: CompiledFilter): CompiledFilter {
  return (value) => {
    if (Array.isArray(value)) return test(index !== undefined ? value[index] : undefined);
    return test(isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined);
  };
}

function operator(key: string, operand: unknown, path: (string | number)[], budget: Budget): CompiledFilter {
  if (!OPERATORS.has(key)) {
    throw new ContentFilterError(`Unknown operator ${key}; known: ${[...OPERATORS].join(", ")}.`, path);
  }
  switch (key) {
    case "$and":
    case "$or": {
      const list = conditionList(operand, path, budget);
      return key === "$and" ? (v) => list.every((c) => c(v)) : (v) => list.some((c) => c(v));
    }
    case "$not": {
      const inner = valueCondition(operand, path, budget);
      return (v) => !inner(v);
    }
    case "$exists":
      if (typeof operand !== "boolean") throw new ContentFilterError("$exists takes true or false.", path);
      return (v) => (v !== undefined) === operand;
    case "$eq":
    case "$neq": {
      const literal = checkedLiteral(operand, path, budget);
      const eq = (v: unknown) => v !== undefined && (jsonEquals(v, literal) || (Array.isArray(v) && v.some((e) => jsonEquals(e, literal))));
      return key === "$eq" ? eq : (v) => !eq(v);
    }
    case "$in":
    case "$nin": {
      if (!Array.isArray(operand)) throw new ContentFilterError(`${key} takes an array of values.`, path);
      const literals = operand.map((item, i) => checkedLiteral(item, [...path, i], budget));
      const one = (v: unknown) => literals.some((l) => jsonEquals(v, l));
      const isIn = (v: unknown) => v !== undefined && (one(v) || (Array.isArray(v) && v.some(one)));
      return key === "$in" ? isIn : (v) => !isIn(v);
    }
    default:
      return comparison(key as (typeof COMPARISONS)[number], operand, path, budget);
  }
}

function comparison(key: (typeof COMPARISONS)[number], operand: unknown, path: (string | number)[], budget: Budget): CompiledFilter {
  if (typeof operand !== "number" && typeof operand !== "string") {
    throw new ContentFilterError(`${key} takes a number or a string.`, path);
  }
  const bound = checkedLiteral(operand, path, budget) as number | bigint | string;
  const holds = {
    $gt: (a: number | bigint | string) => a > bound,
    $gte: (a: number | bigint | string) => a >= bound,
    $lt: (a: number | bigint | string) => a < bound,
    $lte: (a: number | bigint | string) => a <= bound,
  }[key];
  const numeric = typeof operand === "number";
  // Only like with like: a number never compares with a string (JavaScript would coerce).
  const one = (v: unknown) => (numeric ? typeof v === "number" || typeof v === "bigint" : typeof v === "string") && holds(v as number);
  return (v) => one(v) || (Array.isArray(v) && v.some(one));
}

function conditionList(operand: unknown, path: (string | number)[], budget: Budget): CompiledFilter[] {
  if (!Array.isArray(operand) || operand.length === 0) {
    throw new ContentFilterError(`${String(path.at(-1))} takes a non-empty array of conditions.`, path);
  }
  return operand.map((item, i) => {
    if (!isPlainObject(item)) throw new ContentFilterError("Each condition is a JSON object.", [...path, i]);
    return condition(item, [...path, i], budget);
  });
}

/**
 * A literal to compare payload values with, numbers made exact. The API's JSON parse has already
 * turned the filter's numbers into doubles; an integer beyond 2^53 is kept when its shortest decimal
 * form has at most 15 significant digits (`1e20`, `1.2e29`: a double always reproduces such a form,
 * so that is what was written) and becomes that decimal as a bigint. One with 16 or 17 (what
 * `9007199254740993` parses to) may not be what was written, so it is refused.
 */
function checkedLiteral(literal: unknown, path: (string | number)[], budget: Budget): unknown {
  count(budget, path);
  if (typeof literal === "number") {
    if (!Number.isInteger(literal) || Number.isSafeInteger(literal)) return literal;
    const [mantissa, exponent] = literal.toExponential().split("e") as [string, string];
    const digits = mantissa.replace(/[-.]/g, "");
    if (digits.length > 15) {
      throw new ContentFilterError(
        `${literal} cannot be told from its neighbours once parsed: integers beyond ±9007199254740991 (2^53−1) may have at most 15 significant digits (e.g. 1.2e29).`,
        path,
      );
    }
    const fraction = mantissa.split(".")[1]?.length ?? 0;
    const exact = BigInt(digits) * 10n ** BigInt(Number(exponent) - fraction);
    return literal < 0 ? -exact : exact;
  }
  if (Array.isArray(literal)) return literal.map((item, i) => checkedLiteral(item, [...path, i], budget));
  if (isPlainObject(literal)) {
    return Object.fromEntries(Object.entries(literal).map(([key, item]) => [key, checkedLiteral(item, [...path, key], budget)]));
  }
  return literal;
}

function count(budget: Budget, path: (string | number)[]): void {
  if (++budget.nodes > FILTER_LIMITS.nodes) {
    throw new ContentFilterError(`A filter has at most ${FILTER_LIMITS.nodes} conditions and values.`, path);
  }
}

/** JSON equality: numbers by value (a bigint equals the number it is), objects by members. */
function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const an = typeof a === "number" || typeof a === "bigint";
  const bn = typeof b === "number" || typeof b === "bigint";
  if (an || bn) return an && bn && a == b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEquals(a[k], b[k]));
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
