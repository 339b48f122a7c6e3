import { describe, expect, it } from "vitest";
import { z } from "zod";

import { stringifyWithRawJson } from "../lib/raw-json.js";
import { toMessageOut } from "../services/messages.js";
import type { MessageRow } from "../store/schema.js";
import { messageOutJson } from "./message-out-json.js";
import { MessageOut } from "./messages.js";

/** What the generic response serializer (http/serializer.ts) writes for the same value. */
const generic = (out: MessageOut): string => stringifyWithRawJson(z.encode(MessageOut, out));

const base: MessageRow = {
  id: "msg_1",
  app_id: "app_1",
  event_type: "order.created",
  event_id: null,
  payload: '{"b":1,"2":0,"n":9007199254740993,"x":1e400, "s":"\\u2028\\"}"}',
  channels: null,
  tags: null,
  deliver_at: null,
  created_at: 1_700_000_000_123,
  expires_at: 1_800_000_000_000,
};

describe("messageOutJson", () => {
  it.each<[string, Partial<MessageRow>, boolean]>([
    ["a plain message", {}, true],
    ["every optional field set", { event_id: 'evt_"1"', channels: '["c1","c\\u00e9"]', tags: '["t"]', deliver_at: 1_700_000_900_000 }, true],
    ["without content", { tags: '["a","b"]' }, false],
    ["an expunged payload", { payload: null }, true],
    ["a payload that is a string with a marker-like text", { payload: '"{\\"hookrelay.raw-json.x\\":1}"' }, true],
    ["unicode in the event type", { event_type: "caf\u00e9.\u2028" }, true],
  ])("writes what the generic serializer writes: %s", (_name, change, withContent) => {
    const out = toMessageOut({ ...base, ...change }, withContent);
    expect(messageOutJson(out)).toBe(generic(out));
    expect(JSON.parse(messageOutJson(out))).toEqual(JSON.parse(generic(out)));
  });
});
