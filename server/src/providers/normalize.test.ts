import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { CAREEM_SAMPLE_ORDER } from "../test-support/careem-sample.js";
import { careem } from "./careem.js";
import { deliveroo } from "./deliveroo.js";
import { github } from "./github.js";
import { jahez } from "./jahez.js";
import {
  canonicalEventTypes,
  canonicalMenuSchema,
  canonicalOrderSchema,
  normalizeEvent,
  orderEventForStatus,
} from "./normalize.js";
import { stripe } from "./stripe.js";
import { talabat } from "./talabat.js";


/** The guide's envelope for the platforms whose samples it does not publish. */
function envelope(eventType: string | undefined, order: Record<string, unknown> | undefined) {
  return {
    ...(eventType === undefined ? {} : { event_type: eventType }),
    timestamp: "2024-09-27T11:00:00Z",
    data: order === undefined ? {} : { order },
  };
}

describe("careem normalisation", () => {
  it("maps the guide's sample order to the canonical order", () => {
    const event = normalizeEvent(careem, "order.created", CAREEM_SAMPLE_ORDER);
    expect(event.eventType).toBe("order.created");
    expect(canonicalOrderSchema.parse(event.payload)).toEqual({
      provider: "careem",
      providerEventType: "order.created",
      occurredAt: "2024-09-27T10:30:00Z",
      orderId: "careem_order_12345",
      orderNumber: "ORD-789",
      restaurantId: "rest_456",
      providerStatus: "confirmed",
      customer: { id: "cust_789", name: "Ahmed Ali", phone: "+971501234567", email: "ahmed@example.com" },
      items: [
        {
          id: "item_123",
          menuItemId: "menu_456",
          name: "Chicken Shawarma",
          quantity: 2,
          unitPrice: "25.00",
          totalPrice: "50.00",
          modifiers: [{ id: "mod_789", name: "Extra Sauce", price: "2.00", quantity: 1 }],
        },
      ],
      total: { amount: "52.00", currency: "AED" },
      deliveryAddress: { formatted: "123 Sheikh Zayed Road, Dubai", lat: 25.2048, lng: 55.2708 },
      payment: { status: "paid", method: "card" },
      cancellationReason: null,
      createdAt: "2024-09-27T10:30:00Z",
      original: CAREEM_SAMPLE_ORDER,
    });
  });

  it.each(["order.updated", "order.cancelled", "order.delivered"])(
    "keeps %s as its canonical type",
    (type) => {
      const body = { ...CAREEM_SAMPLE_ORDER, event_type: type };
      const event = normalizeEvent(
        careem,
        careem.eventType(body, {}, careem.configSchema.parse({ secret: "s" })),
        body,
      );
      expect(event.eventType).toBe(type);
      expect(canonicalOrderSchema.parse(event.payload).providerEventType).toBe(type);
    },
  );

  it("maps menu.updated to the canonical menu event", () => {
    const body = {
      event_type: "menu.updated",
      timestamp: "2024-09-27T12:00:00Z",
      data: { restaurant_id: "rest_456" },
    };
    const event = normalizeEvent(careem, "menu.updated", body);
    expect(event.eventType).toBe("menu.updated");
    expect(canonicalMenuSchema.parse(event.payload)).toEqual({
      provider: "careem",
      providerEventType: "menu.updated",
      occurredAt: "2024-09-27T12:00:00Z",
      restaurantId: "rest_456",
      original: body,
    });
  });

  it("nulls what a sparse order omits or sends with the wrong type", () => {
    const body = envelope("order.cancelled", {
      id: 98765,
      total_amount: 12.5,
      items: [{ name: "Tea", quantity: "two", unit_price: "cheap" }, "not an item"],
      cancellation_reason: "customer_request",
    });
    const payload = canonicalOrderSchema.parse(normalizeEvent(careem, "order.cancelled", body).payload);
    expect(payload).toMatchObject({
      orderId: "98765",
      orderNumber: null,
      customer: null,
      deliveryAddress: null,
      payment: null,
      total: { amount: "12.5", currency: null },
      cancellationReason: "customer_request",
      items: [{ id: null, name: "Tea", quantity: null, unitPrice: null, totalPrice: null, modifiers: [] }],
    });
  });
});

describe("talabat normalisation", () => {
  it("maps order_notification to order.created", () => {
    const body = envelope("order_notification", {
      id: "tb_1",
      status: "pending",
      total_amount: "30.00",
      currency: "KWD",
    });
    const event = normalizeEvent(talabat, talabat.eventType(body, {}, { apiKey: "k" }), body);
    expect(event.eventType).toBe("order.created");
    expect(canonicalOrderSchema.parse(event.payload)).toMatchObject({
      provider: "talabat",
      providerEventType: "order_notification",
      orderId: "tb_1",
      providerStatus: "pending",
      total: { amount: "30.00", currency: "KWD" },
      original: body,
    });
  });

  it.each([
    ["delivered", "order.delivered"],
    ["CANCELLED", "order.cancelled"],
    ["rejected", "order.cancelled"],
    ["preparing", "order.updated"],
    [undefined, "order.updated"],
  ])("maps status_update with status %s to %s", (status, expected) => {
    const body = envelope("status_update", { id: "tb_1", ...(status === undefined ? {} : { status }) });
    const event = normalizeEvent(talabat, "status_update", body);
    expect(event.eventType).toBe(expected);
    expect(canonicalOrderSchema.parse(event.payload).providerEventType).toBe("status_update");
  });

  it("maps menu_sync to menu.updated", () => {
    const body = {
      event_type: "menu_sync",
      timestamp: "2024-09-27T12:00:00Z",
      data: { restaurant_id: "tb_rest" },
    };
    const event = normalizeEvent(talabat, "menu_sync", body);
    expect(event.eventType).toBe("menu.updated");
    expect(canonicalMenuSchema.parse(event.payload)).toMatchObject({
      provider: "talabat",
      restaurantId: "tb_rest",
    });
  });
});

describe("deliveroo normalisation", () => {
  it.each([
    ["placed", "order.created"],
    ["delivered", "order.delivered"],
    ["canceled", "order.cancelled"],
    ["accepted", "order.updated"],
  ])("maps order_event with status %s to %s", (status, expected) => {
    const body = envelope(undefined, { id: "dr_1", status, order_number: "#42" });
    const type = deliveroo.eventType(body, {}, { secret: "s" });
    expect(type).toBe("order_event");
    const event = normalizeEvent(deliveroo, type, body);
    expect(event.eventType).toBe(expected);
    expect(canonicalOrderSchema.parse(event.payload)).toMatchObject({
      provider: "deliveroo",
      providerEventType: "order_event",
      orderId: "dr_1",
      orderNumber: "#42",
      providerStatus: status,
    });
  });
});

describe("jahez normalisation", () => {
  it.each([
    ["new", "order.created"],
    ["cancelled", "order.cancelled"],
    ["delivered", "order.delivered"],
    ["out_for_delivery", "order.updated"],
  ])("maps order_action with status %s to %s", (status, expected) => {
    const body = envelope("order_action", { id: 555, status, customer: { name: "Sara" } });
    const event = normalizeEvent(jahez, jahez.eventType(body, {}, { token: "t" }), body);
    expect(event.eventType).toBe(expected);
    expect(canonicalOrderSchema.parse(event.payload)).toMatchObject({
      provider: "jahez",
      providerEventType: "order_action",
      orderId: "555",
      customer: { id: null, name: "Sara", phone: null, email: null },
    });
  });
});

describe("the unknown-type rule", () => {
  it.each([
    [careem, "driver.assigned"],
    [talabat, "rider_update"],
    [deliveroo, "rider.status_update"],
    [jahez, "unknown"],
  ] as const)("keeps %s events of type %s under {provider}.{type}", (provider, type) => {
    const body = { event_type: type, data: { anything: true } };
    expect(normalizeEvent(provider, type, body)).toEqual({
      eventType: `${provider.name}.${type}`,
      payload: { provider: provider.name, providerEventType: type, original: body },
    });
  });

  it("keeps a mapped type whose order has no id, rather than emit an invalid canonical event", () => {
    const body = envelope("order.created", { status: "confirmed" });
    expect(normalizeEvent(careem, "order.created", body)).toEqual({
      eventType: "careem.order.created",
      payload: { provider: "careem", providerEventType: "order.created", original: body },
    });
    const noOrder = envelope("order_event", undefined);
    expect(normalizeEvent(deliveroo, "order_event", noOrder).eventType).toBe("deliveroo.order_event");
  });

  it("applies to providers without a canonical mapping", () => {
    const body = { id: "evt_1", type: "invoice.paid" };
    expect(normalizeEvent(stripe, "invoice.paid", body).eventType).toBe("stripe.invoice.paid");
    expect(normalizeEvent(github, "pull_request.opened", {}).eventType).toBe("github.pull_request.opened");
  });

  it("survives bodies that are not objects", () => {
    for (const body of [null, "text", 42, [], undefined]) {
      expect(normalizeEvent(careem, "order.created", body).eventType).toBe("careem.order.created");
    }
  });
});

describe("orderEventForStatus", () => {
  it("does not treat prototype keys as statuses", () => {
    expect(orderEventForStatus("constructor")).toBe("order.updated");
    expect(orderEventForStatus("__proto__")).toBe("order.updated");
  });
});

describe("canonicalEventTypes", () => {
  it("lists the five canonical types with draft-07 object schemas", () => {
    expect(canonicalEventTypes.map((t) => t.name)).toEqual([
      "order.created",
      "order.updated",
      "order.cancelled",
      "order.delivered",
      "menu.updated",
    ]);
    for (const type of canonicalEventTypes) {
      expect(type.description).not.toBe("");
      expect(type.schema).toMatchObject({
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
      });
      expect(JSON.parse(JSON.stringify(type.schema))).toEqual(type.schema);
    }
    const order = canonicalEventTypes[0]!.schema as { required: string[] };
    expect(order.required).toEqual(
      expect.arrayContaining(["provider", "providerEventType", "orderId", "original"]),
    );
  });

  it("matches the schemas published in docs/events.md", () => {
    const doc = readFileSync(new URL("../../../docs/events.md", import.meta.url), "utf8");
    const block = (name: string): unknown => {
      const match = new RegExp(`<!-- schema:${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
      expect(match, `schema:${name} block in docs/events.md`).not.toBeNull();
      return JSON.parse(match![1]!);
    };
    expect(block("order")).toEqual(canonicalEventTypes.find((t) => t.name === "order.created")!.schema);
    expect(block("menu")).toEqual(canonicalEventTypes.find((t) => t.name === "menu.updated")!.schema);
  });
});
