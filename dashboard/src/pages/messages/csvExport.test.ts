import { describe, expect, it } from "vitest";

import { parseCsv } from "../../lib/csv";
import { CSV_HEADER, messagesToCsv } from "./csvExport";

describe("messagesToCsv", () => {
  it("writes one quoted row per message with its payload", () => {
    const csv = messagesToCsv([
      {
        id: "msg_1",
        eventType: "order.created",
        eventId: null,
        timestamp: "2025-01-01T00:00:00Z",
        payload: { note: 'a "b", c' },
        status: 2,
      },
      {
        id: "msg_2",
        eventType: "order.paid",
        eventId: "e2",
        timestamp: "2025-01-01T00:00:01Z",
        payload: {},
        channels: ["eu", "vip"],
      },
    ]);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows[1]).toEqual([
      "msg_1",
      "order.created",
      "",
      "2025-01-01T00:00:00Z",
      "fail",
      "",
      "",
      '{"note":"a \\"b\\", c"}',
    ]);
    expect(rows[2]?.[6]).toBe("eu vip");
    expect(rows).toHaveLength(3);
  });
});
