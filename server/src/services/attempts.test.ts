import { describe, expect, it } from "vitest";

import { AttemptListQuery, EventTypesQuery } from "../contract/attempts.js";
import { toAttemptOut } from "./attempt-out.js";
import { examplePayload } from "./attempts.js";

describe("examplePayload", () => {
  it("takes the first example of schema version 1, stored as text or parsed", () => {
    const schemas = { "1": { type: "object", examples: [{ id: 1 }, { id: 2 }] } };
    expect(examplePayload("a.b", schemas)).toEqual({ id: 1 });
    expect(examplePayload("a.b", JSON.stringify(schemas))).toEqual({ id: 1 });
  });

  it("falls back to a placeholder without a usable example", () => {
    const fallback = { eventType: "a.b", data: { example: true } };
    expect(examplePayload("a.b", null)).toEqual(fallback);
    expect(examplePayload("a.b", { "1": { type: "object" } })).toEqual(fallback);
    expect(examplePayload("a.b", { "2": { examples: [{ id: 1 }] } })).toEqual(fallback);
    // A payload must be an object; a bare example value cannot be sent.
    expect(examplePayload("a.b", { "1": { examples: ["text", { id: 1 }] } })).toEqual(fallback);
    expect(examplePayload("a.b", { "1": { examples: [[1, 2]] } })).toEqual(fallback);
  });
});

describe("attempt query parsing", () => {
  it("reads event_types as a comma list or repeated parameters", () => {
    expect(EventTypesQuery.parse("a.b,c")).toEqual(["a.b", "c"]);
    expect(EventTypesQuery.parse(["a.b,c", "d"])).toEqual(["a.b", "c", "d"]);
    expect(EventTypesQuery.safeParse("a b").success).toBe(false);
  });

  it("defaults with_content on and with_msg off, and refuses statuses outside the enum", () => {
    expect(AttemptListQuery.parse({})).toMatchObject({ limit: 50, with_content: true, with_msg: false });
    expect(AttemptListQuery.parse({ status: "3", status_code_class: "0" })).toMatchObject({
      status: 3,
      status_code_class: 0,
    });
    expect(AttemptListQuery.safeParse({ status: "5" }).success).toBe(false);
    expect(AttemptListQuery.safeParse({ status: "" }).success).toBe(false);
    expect(AttemptListQuery.safeParse({ status_code_class: "201" }).success).toBe(false);
  });
});

describe("toAttemptOut", () => {
  it("hides the response body without content", () => {
    const row = {
      id: "atmpt_1",
      delivery_id: "dlv_1",
      msg_id: "msg_1",
      app_id: "app_1",
      endpoint_id: "ep_1",
      url: "https://example.com",
      status: 2,
      response_status_code: 500,
      response: "oops",
      response_duration_ms: 3,
      trigger_type: 1,
      created_at: 0,
    };
    expect(toAttemptOut(row)).toMatchObject({
      response: "oops",
      status: 2,
      statusText: "fail",
      triggerType: 1,
      timestamp: "1970-01-01T00:00:00.000Z",
    });
    expect(toAttemptOut(row, false).response).toBe("{}");
  });
});
