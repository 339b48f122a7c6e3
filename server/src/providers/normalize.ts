import { z } from "zod";

import { isRecord, stringAt, valueAt } from "./body.js";
import type { NormalizedEvent, Provider } from "./provider.js";

// One canonical shape for every delivery platform, so an app that takes orders from Careem,
// Talabat, Deliveroo and Jahez subscribes to `order.created` once. Fields a platform does not
// send are null rather than absent, so receivers need no per-platform existence checks.
// `docs/events.md` holds the same schemas as JSON; a test keeps the two identical.

const text = z.string().nullable();

const money = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .describe('Decimal amount as a string, e.g. "52.00", so no precision is lost to floats.');

const common = {
  provider: z.string().describe("Registry name of the sending platform, e.g. `careem`."),
  providerEventType: z.string().describe("The platform's own event type, e.g. `order_notification`."),
  occurredAt: text.describe("The envelope's `timestamp` as sent (ISO 8601 per the platforms), or null."),
  original: z.unknown().describe("The platform's payload, unchanged."),
};

const modifierSchema = z.object({
  id: text,
  name: text,
  price: money.nullable(),
  quantity: z.number().nullable(),
});

const itemSchema = z.object({
  id: text.describe("The line's id on the platform."),
  menuItemId: text.describe("The menu item this line orders."),
  name: text,
  quantity: z.number().nullable(),
  unitPrice: money.nullable(),
  totalPrice: money.nullable(),
  modifiers: z.array(modifierSchema),
});

/** The canonical payload of every `order.*` event. */
export const canonicalOrderSchema = z
  .object({
    ...common,
    orderId: z.string().min(1).describe("The platform's order id; stable across the order's events."),
    orderNumber: text.describe("The short number shown to staff and customers."),
    restaurantId: text.describe("The platform's id of the restaurant or branch."),
    providerStatus: text.describe("The platform's order status, verbatim (not normalised)."),
    customer: z.object({ id: text, name: text, phone: text, email: text }).nullable(),
    items: z.array(itemSchema),
    total: z.object({ amount: money, currency: text }).nullable(),
    deliveryAddress: z
      .object({ formatted: text, lat: z.number().nullable(), lng: z.number().nullable() })
      .nullable(),
    payment: z.object({ status: text, method: text }).nullable(),
    cancellationReason: text,
    createdAt: text.describe("When the order was placed, as sent by the platform."),
  })
  .describe("An order from a delivery platform, in Hookrelay's canonical shape.");

/** The canonical payload of `menu.updated`. */
export const canonicalMenuSchema = z
  .object({
    ...common,
    restaurantId: text.describe("The platform's id of the restaurant whose menu changed."),
  })
  .describe("A delivery platform reports a menu change; details stay in `original`.");

/** A canonical order event payload. */
export type CanonicalOrder = z.output<typeof canonicalOrderSchema>;
/** A canonical menu event payload. */
export type CanonicalMenu = z.output<typeof canonicalMenuSchema>;

/** Canonical order event types. */
export type OrderEventType = "order.created" | "order.updated" | "order.cancelled" | "order.delivered";
/** Every canonical event type. */
export type CanonicalEventType = OrderEventType | "menu.updated";

const toJsonSchema = (schema: z.ZodType): Record<string, unknown> =>
  // `io: "input"` leaves objects open (no additionalProperties: false), so adding a field later
  // does not invalidate receivers that validate against the published schema.
  z.toJSONSchema(schema, { target: "draft-07", io: "input" }) as Record<string, unknown>;

/**
 * The canonical event types with their JSON Schemas (draft-07, plain objects), ready to be
 * registered as event types.
 *
 * @example
 * for (const t of canonicalEventTypes) await eventTypes.upsert(t.name, t.description, t.schema);
 */
export const canonicalEventTypes: readonly {
  name: CanonicalEventType;
  description: string;
  schema: Record<string, unknown>;
}[] = Object.freeze([
  {
    name: "order.created",
    description: "A new order was placed on a delivery platform.",
    schema: toJsonSchema(canonicalOrderSchema),
  },
  {
    name: "order.updated",
    description: "An order's status or details changed.",
    schema: toJsonSchema(canonicalOrderSchema),
  },
  {
    name: "order.cancelled",
    description: "An order was cancelled or rejected.",
    schema: toJsonSchema(canonicalOrderSchema),
  },
  {
    name: "order.delivered",
    description: "An order reached the customer.",
    schema: toJsonSchema(canonicalOrderSchema),
  },
  {
    name: "menu.updated",
    description: "A restaurant's menu changed on a delivery platform.",
    schema: toJsonSchema(canonicalMenuSchema),
  },
]);

/**
 * The event for any provider event: the provider's canonical mapping when it has one,
 * otherwise the event kept as `{provider}.{type}` with its payload under `original`.
 *
 * @example
 * normalizeEvent(careem, "order.created", body)   // { eventType: "order.created", payload: {...} }
 * normalizeEvent(careem, "driver.assigned", body) // { eventType: "careem.driver.assigned", … }
 */
export function normalizeEvent(
  provider: Pick<Provider, "name" | "normalize">,
  providerType: string,
  body: unknown,
): NormalizedEvent {
  return provider.normalize?.(providerType, body) ?? keepUnknown(provider.name, providerType, body);
}

/**
 * The unknown-type rule: an event with no canonical mapping keeps its type, prefixed with the
 * provider so types from different senders cannot collide.
 *
 * @example
 * keepUnknown("talabat", "rider_update", body)
 * // { eventType: "talabat.rider_update", payload: { provider: "talabat", providerEventType: "rider_update", original: body } }
 */
export function keepUnknown(provider: string, providerType: string, body: unknown): NormalizedEvent {
  return {
    eventType: `${provider}.${providerType}`,
    payload: { provider, providerEventType: providerType, original: body },
  };
}

// Delivery platforms wrap events in `{ event_type, timestamp, data }` (the seed's
// WebhookEventDto) with the order under `data.order`; only Careem's sample shows the order's
// fields, and the other platforms are read with the same names.

/**
 * The `event_type` of a delivery platform envelope.
 *
 * @example
 * envelopeEventType({ event_type: "order.created" }) // "order.created"
 */
export function envelopeEventType(body: unknown): string | undefined {
  return stringAt(body, "event_type");
}

/**
 * The `data.order.status` of a delivery platform envelope.
 *
 * @example
 * envelopeOrderStatus({ data: { order: { status: "delivered" } } }) // "delivered"
 */
export function envelopeOrderStatus(body: unknown): string | undefined {
  return stringAt(body, "data.order.status");
}

const STATUS_EVENTS = new Map<string, OrderEventType>([
  ["new", "order.created"],
  ["placed", "order.created"],
  ["cancelled", "order.cancelled"],
  ["canceled", "order.cancelled"],
  ["rejected", "order.cancelled"],
  ["delivered", "order.delivered"],
]);

/**
 * The canonical event for a platform that sends one event type for every order change and
 * puts the change in the order's status. Statuses not listed are `order.updated`.
 *
 * @example
 * orderEventForStatus("Cancelled") // "order.cancelled"
 * orderEventForStatus("preparing") // "order.updated"
 */
export function orderEventForStatus(status: string | undefined): OrderEventType {
  return (status && STATUS_EVENTS.get(status.toLowerCase())) || "order.updated";
}

/**
 * A canonical order event from a delivery platform envelope, or undefined when it carries no
 * order id — such an event is kept under the unknown-type rule instead of breaking the schema.
 *
 * @example
 * orderEvent("order.created", "careem", "order.created", body)
 */
export function orderEvent(
  eventType: OrderEventType,
  provider: string,
  providerEventType: string,
  body: unknown,
): NormalizedEvent | undefined {
  const order = valueAt(body, "data.order");
  const orderId = stringAt(order, "id");
  if (orderId === undefined) return undefined;
  const customer = valueAt(order, "customer");
  const address = valueAt(order, "delivery_address");
  const amount = moneyAt(order, "total_amount");
  const payload: CanonicalOrder = {
    provider,
    providerEventType,
    occurredAt: textAt(body, "timestamp"),
    orderId,
    orderNumber: textAt(order, "order_number"),
    restaurantId: textAt(order, "restaurant_id"),
    providerStatus: textAt(order, "status"),
    customer: isRecord(customer)
      ? {
          id: textAt(customer, "id"),
          name: textAt(customer, "name"),
          phone: textAt(customer, "phone"),
          email: textAt(customer, "email"),
        }
      : null,
    items: recordsAt(order, "items").map((item) => ({
      id: textAt(item, "id"),
      menuItemId: textAt(item, "menu_item_id"),
      name: textAt(item, "name"),
      quantity: numberAt(item, "quantity"),
      unitPrice: moneyAt(item, "unit_price"),
      totalPrice: moneyAt(item, "total_price"),
      modifiers: recordsAt(item, "modifiers").map((modifier) => ({
        id: textAt(modifier, "id"),
        name: textAt(modifier, "name"),
        price: moneyAt(modifier, "price"),
        quantity: numberAt(modifier, "quantity"),
      })),
    })),
    total: amount === null ? null : { amount, currency: textAt(order, "currency") },
    deliveryAddress: isRecord(address)
      ? {
          formatted: textAt(address, "formatted_address"),
          lat: numberAt(address, "coordinates.lat"),
          lng: numberAt(address, "coordinates.lng"),
        }
      : null,
    payment:
      valueAt(order, "payment_status") === undefined && valueAt(order, "payment_method") === undefined
        ? null
        : { status: textAt(order, "payment_status"), method: textAt(order, "payment_method") },
    cancellationReason: textAt(order, "cancellation_reason"),
    createdAt: textAt(order, "created_at"),
    original: body,
  };
  return { eventType, payload };
}

/**
 * A canonical `menu.updated` event from a delivery platform envelope.
 *
 * @example
 * menuEvent("talabat", "menu_sync", body) // { eventType: "menu.updated", payload: {...} }
 */
export function menuEvent(provider: string, providerEventType: string, body: unknown): NormalizedEvent {
  const payload: CanonicalMenu = {
    provider,
    providerEventType,
    occurredAt: textAt(body, "timestamp"),
    restaurantId: textAt(body, "data.restaurant_id"),
    original: body,
  };
  return { eventType: "menu.updated", payload };
}

function textAt(value: unknown, path: string): string | null {
  return stringAt(value, path) ?? null;
}

function numberAt(value: unknown, path: string): number | null {
  const found = valueAt(value, path);
  return typeof found === "number" && Number.isFinite(found) ? found : null;
}

function moneyAt(value: unknown, path: string): string | null {
  const found = valueAt(value, path);
  const candidate = typeof found === "number" && Number.isFinite(found) ? String(found) : found;
  return typeof candidate === "string" && money.safeParse(candidate).success ? candidate : null;
}

function recordsAt(value: unknown, path: string): Record<string, unknown>[] {
  const found = valueAt(value, path);
  return Array.isArray(found) ? found.filter(isRecord) : [];
}
