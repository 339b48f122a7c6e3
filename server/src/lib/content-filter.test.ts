import { describe, expect, it } from "vitest";

import {
  compileContentFilter,
  compileStoredFilter,
  ContentFilterError,
  contentFilterProblem,
  FILTER_LIMITS,
  parsePayloadForFilter,
  payloadTextPasses,
} from "./content-filter.js";

const order = {
  type: "card",
  amount: 250,
  currency: "EUR",
  paid: true,
  note: null,
  customer: { id: "cus_1", tier: "gold", address: { country: "DE" } },
  tags: ["vip", "eu"],
  items: [
    { sku: "A-1", qty: 2 },
    { sku: "B-7", qty: 1 },
  ],
  matrix: [
    [1, 2],
    [3, 4],
  ],
};

const matches = (filter: unknown, payload: unknown = order) => compileContentFilter(filter)(payload);
const problem = (filter: unknown) => contentFilterProblem(filter);

describe("content filter: equality", () => {
  it("matches a scalar field by equality, and an empty filter matches everything", () => {
    expect(matches({ type: "card" })).toBe(true);
    expect(matches({ type: "bank" })).toBe(false);
    expect(matches({ amount: 250, paid: true, note: null })).toBe(true);
    expect(matches({ paid: false })).toBe(false);
    expect(matches({})).toBe(true);
  });

  it("does not coerce types: 250 is not '250', null is not missing, false is not 0", () => {
    expect(matches({ amount: "250" })).toBe(false);
    expect(matches({ missing: null })).toBe(false);
    expect(matches({ paid: 1 })).toBe(false);
  });

  it("$eq and $neq; $neq also matches a missing field", () => {
    expect(matches({ currency: { $eq: "EUR" } })).toBe(true);
    expect(matches({ currency: { $neq: "EUR" } })).toBe(false);
    expect(matches({ currency: { $neq: "USD" } })).toBe(true);
    expect(matches({ missing: { $neq: "USD" } })).toBe(true);
    expect(matches({ missing: { $eq: null } })).toBe(false);
  });

  it("compares objects and arrays as whole JSON values, key order aside", () => {
    expect(matches({ customer: { address: { $eq: { country: "DE" } } } })).toBe(true);
    expect(matches({ customer: { address: { $eq: { country: "DE", zip: "1" } } } })).toBe(false);
    expect(matches({ tags: ["vip", "eu"] })).toBe(true);
    expect(matches({ tags: ["eu", "vip"] })).toBe(false);
    expect(matches({ items: { $eq: [{ qty: 2, sku: "A-1" }, { sku: "B-7", qty: 1 }] } })).toBe(true);
  });
});

describe("content filter: nested paths and arrays", () => {
  it("nests through objects; a missing level does not match", () => {
    expect(matches({ customer: { address: { country: "DE" } } })).toBe(true);
    expect(matches({ customer: { address: { country: "FR" } } })).toBe(false);
    expect(matches({ customer: { phone: { area: "30" } } })).toBe(false);
    expect(matches({ type: { sub: "x" } })).toBe(false);
  });

  it("a scalar against an array value matches when any element equals it", () => {
    expect(matches({ tags: "vip" })).toBe(true);
    expect(matches({ tags: "us" })).toBe(false);
    expect(matches({ tags: { $neq: "vip" } })).toBe(false);
    expect(matches({ tags: { $neq: "us" } })).toBe(true);
  });

  it("a field under an array value applies to every element, any must match", () => {
    expect(matches({ items: { sku: "B-7" } })).toBe(true);
    expect(matches({ items: { sku: "C-9" } })).toBe(false);
    // The same element must satisfy both: A-1 has qty 2, B-7 has qty 1.
    expect(matches({ items: { sku: "A-1", qty: { $gte: 2 } } })).toBe(true);
    expect(matches({ items: { sku: "B-7", qty: { $gte: 2 } } })).toBe(false);
    // "Some element whose sku is not test": an empty array has none.
    expect(matches({ items: { sku: { $neq: "test" } } }, { items: [{ sku: "test" }, { sku: "x" }] })).toBe(true);
    expect(matches({ items: { sku: { $neq: "test" } } }, { items: [] })).toBe(false);
    expect(matches({ items: { $exists: true } }, { items: [] })).toBe(true);
  });

  it("a field of digits indexes an array", () => {
    expect(matches({ items: { "0": { sku: "A-1" } } })).toBe(true);
    expect(matches({ items: { "1": { sku: "A-1" } } })).toBe(false);
    expect(matches({ items: { "5": { $exists: false } } })).toBe(true);
    expect(matches({ matrix: { "1": { "0": 3 } } })).toBe(true);
    expect(matches({ matrix: [3, 4] })).toBe(true);
  });

  it("reads own members only, never the prototype", () => {
    expect(matches({ constructor: { $exists: true } })).toBe(false);
    expect(matches({ toString: { $exists: true } }, {})).toBe(false);
    expect(matches({ length: 2 }, { list: [1, 2] })).toBe(false);
    expect(matches({ list: { length: 2 } }, { list: [1, 2] })).toBe(false);
  });
});

describe("content filter: $in, $nin", () => {
  it("$in matches a value in the list, or an array value with any element in it", () => {
    expect(matches({ currency: { $in: ["EUR", "GBP"] } })).toBe(true);
    expect(matches({ currency: { $in: ["USD"] } })).toBe(false);
    expect(matches({ tags: { $in: ["us", "eu"] } })).toBe(true);
    expect(matches({ missing: { $in: [null] } })).toBe(false);
    expect(matches({ currency: { $in: [] } })).toBe(false);
  });

  it("$nin is its negation, and so matches a missing field", () => {
    expect(matches({ currency: { $nin: ["USD"] } })).toBe(true);
    expect(matches({ currency: { $nin: ["EUR"] } })).toBe(false);
    expect(matches({ tags: { $nin: ["eu"] } })).toBe(false);
    expect(matches({ missing: { $nin: ["x"] } })).toBe(true);
    expect(matches({ currency: { $nin: [] } })).toBe(true);
  });
});

describe("content filter: $gt, $gte, $lt, $lte", () => {
  it("compares numbers, bounds included or not", () => {
    expect(matches({ amount: { $gt: 249 } })).toBe(true);
    expect(matches({ amount: { $gt: 250 } })).toBe(false);
    expect(matches({ amount: { $gte: 250 } })).toBe(true);
    expect(matches({ amount: { $lt: 250 } })).toBe(false);
    expect(matches({ amount: { $lte: 250 } })).toBe(true);
    expect(matches({ amount: { $gte: 100, $lt: 300 } })).toBe(true);
    expect(matches({ amount: { $gt: 249.5, $lt: 250.5 } })).toBe(true);
  });

  it("compares strings by code unit, and never a string with a number", () => {
    expect(matches({ currency: { $gte: "EUR", $lt: "F" } })).toBe(true);
    expect(matches({ currency: { $gt: "EUR" } })).toBe(false);
    expect(matches({ amount: { $gt: "100" } })).toBe(false);
    expect(matches({ amount: { $lt: "z" } })).toBe(false);
    expect(matches({ currency: { $gt: 0 } })).toBe(false);
    expect(matches({ paid: { $gte: 0 } })).toBe(false);
    expect(matches({ note: { $lte: 0 } })).toBe(false);
    expect(matches({ missing: { $lt: 1 } })).toBe(false);
  });

  it("on an array value, any element may satisfy it", () => {
    expect(matches({ scores: { $gt: 8 } }, { scores: [1, 9] })).toBe(true);
    expect(matches({ scores: { $gt: 9 } }, { scores: [1, 9] })).toBe(false);
  });
});

describe("content filter: $exists, $and, $or, $not", () => {
  it("$exists tells present (null included) from missing", () => {
    expect(matches({ note: { $exists: true } })).toBe(true);
    expect(matches({ missing: { $exists: true } })).toBe(false);
    expect(matches({ missing: { $exists: false } })).toBe(true);
    expect(matches({ customer: { address: { zip: { $exists: false } } } })).toBe(true);
  });

  it("$and, $or at the top and under a field", () => {
    expect(matches({ $or: [{ currency: "USD" }, { amount: { $gte: 200 } }] })).toBe(true);
    expect(matches({ $or: [{ currency: "USD" }, { amount: { $gte: 300 } }] })).toBe(false);
    expect(matches({ $and: [{ currency: "EUR" }, { paid: true }] })).toBe(true);
    expect(matches({ $and: [{ currency: "EUR" }, { paid: false }] })).toBe(false);
    expect(matches({ customer: { $or: [{ tier: "gold" }, { tier: "platinum" }] } })).toBe(true);
    expect(matches({ type: "card", $or: [{ tags: "us" }, { tags: "eu" }] })).toBe(true);
  });

  it("$not negates a condition or an equality", () => {
    expect(matches({ $not: { currency: "EUR" } })).toBe(false);
    expect(matches({ $not: { currency: "USD" } })).toBe(true);
    expect(matches({ currency: { $not: { $in: ["USD", "GBP"] } } })).toBe(true);
    expect(matches({ currency: { $not: "EUR" } })).toBe(false);
    expect(matches({ missing: { $not: { $gt: 1 } } })).toBe(true);
  });
});

describe("content filter: numbers beyond 2^53", () => {
  const big = parsePayloadForFilter('{"id": 9007199254740993, "small": 12, "f": 0.1, "huge": 123456789012345678901234567890}');

  it("parses big integers exactly, small numbers as numbers", () => {
    expect(big).toEqual({ id: 9007199254740993n, small: 12, f: 0.1, huge: 123456789012345678901234567890n });
    expect(parsePayloadForFilter('{"a":1}')).toEqual({ a: 1 });
    expect(parsePayloadForFilter('{"s":"12345678901234567890"}')).toEqual({ s: "12345678901234567890" });
  });

  it("compares them exactly against filter numbers", () => {
    // As a double the id is 9007199254740992, which is not > 2^53 − 1 + 1.
    expect(matches({ id: { $gt: 9007199254740991 } }, big)).toBe(true);
    expect(matches({ id: { $lte: 9007199254740991 } }, big)).toBe(false);
    expect(matches({ huge: { $gt: 1.2e29 } }, big)).toBe(true);
    expect(matches({ huge: { $lt: 1.3e29, $gt: -1e300 } }, big)).toBe(true);
    // 1e20 as written, not as the double nearest to it; -1.5e30 likewise.
    expect(matches({ n: 1e20 }, parsePayloadForFilter('{"n":100000000000000000000}'))).toBe(true);
    expect(matches({ n: { $in: [-1.5e30] } }, parsePayloadForFilter('{"n":-1500000000000000000000000000000}'))).toBe(true);
    expect(matches({ n: 1.2e29 }, parsePayloadForFilter('{"n":120000000000000000000000000001}'))).toBe(false);
    expect(matches({ small: { $in: [12] } }, big)).toBe(true);
    expect(matches({ f: 0.1 }, big)).toBe(true);
  });

  it("refuses a filter integer a double cannot hold: the API's parse already rounded it", () => {
    expect(problem(JSON.parse('{"id": 9007199254740993}'))?.message).toMatch(/2\^53/);
    expect(problem({ id: { $in: [1, 2 ** 60] } })?.path).toEqual(["id", "$in", 1]);
    expect(problem({ id: { $gt: 9007199254740991 } })).toBeNull();
    expect(problem({ x: 1.5e-300 })).toBeNull();
    expect(problem({ x: { $lt: 1e300 } })).toBeNull();
    expect(problem(JSON.parse('{"x": -9007199254740995}'))?.message).toMatch(/15 significant digits/);
  });
});

describe("content filter: validation", () => {
  it("refuses unknown operators, naming them and where they are", () => {
    const error = problem({ data: { amount: { $like: "1%" } } });
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error?.message).toMatch(/Unknown operator \$like/);
    expect(error?.path).toEqual(["data", "amount", "$like"]);
    expect(problem({ $nor: [{ a: 1 }] })?.path).toEqual(["$nor"]);
    expect(problem({ a: { $ne: 1 } })?.message).toMatch(/\$neq/);
  });

  it("refuses bad operands", () => {
    expect(problem([])?.message).toMatch(/JSON object/);
    expect(problem("x")?.message).toMatch(/JSON object/);
    expect(problem(null)?.message).toMatch(/JSON object/);
    expect(problem({ a: { $in: "x" } })?.message).toMatch(/array/);
    expect(problem({ a: { $nin: { b: 1 } } })?.message).toMatch(/array/);
    expect(problem({ a: { $exists: 1 } })?.message).toMatch(/true or false/);
    expect(problem({ a: { $gt: null } })?.message).toMatch(/number or a string/);
    expect(problem({ a: { $lte: [1] } })?.message).toMatch(/number or a string/);
    expect(problem({ $and: [] })?.message).toMatch(/non-empty array/);
    expect(problem({ $or: {} })?.message).toMatch(/non-empty array/);
    expect(problem({ $or: [1] })?.path).toEqual(["$or", 0]);
  });

  it("bounds depth, size and the number of conditions", () => {
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 1; i < FILTER_LIMITS.depth; i++) deep = { a: deep };
    expect(problem(deep)).toBeNull();
    expect(problem({ a: deep })?.message).toMatch(/levels deep/);
    expect(problem({ a: "x".repeat(FILTER_LIMITS.bytes) })?.message).toMatch(/bytes/);
    const wide = Object.fromEntries(Array.from({ length: FILTER_LIMITS.nodes }, (_, i) => [`k${i}`, i]));
    expect(problem(wide)?.message).toMatch(/at most 256/);
    expect(problem({ a: { $in: Array.from({ length: FILTER_LIMITS.nodes + 1 }, (_, i) => i) } })?.message).toMatch(/at most/);
  });
});

describe("content filter: stored filters and payload texts", () => {
  it("a stored filter that no longer compiles matches nothing (fails closed)", () => {
    expect(compileStoredFilter('{"a":1}')({ a: 1 })).toBe(true);
    expect(compileStoredFilter('{"a":{"$regex":"x"}}')({ a: "x" })).toBe(false);
    expect(compileStoredFilter("not json")({})).toBe(false);
  });

  it("an expunged or unparsable payload passes no filter, even an empty one", () => {
    const any = compileContentFilter({});
    expect(payloadTextPasses(any, '{"a":1}')).toBe(true);
    expect(payloadTextPasses(any, null)).toBe(false);
    expect(payloadTextPasses(any, "{oops")).toBe(false);
  });
});
