// No imports on purpose: the dashboard loads this file at runtime, and it must not pull zod or
// any server code into the bundle.

/**
 * Svix's MessageStatus names, indexed by their number: 0 success, 1 pending, 2 fail, 3 sending.
 * The one definition of delivery status ↔ text, for the API, the services and the dashboard.
 *
 * @example DELIVERY_STATUS_NAMES[2] // "fail"
 */
export const DELIVERY_STATUS_NAMES = ["success", "pending", "fail", "sending"] as const;

/** A delivery status by name: `"success" | "pending" | "fail" | "sending"`. */
export type DeliveryStatusName = (typeof DELIVERY_STATUS_NAMES)[number];

/**
 * The number of each status, as stored and as the API's `status` field.
 *
 * @example deliveries.filter((d) => d.status === DELIVERY_STATUS.pending)
 */
export const DELIVERY_STATUS = {
  success: 0,
  pending: 1,
  fail: 2,
  sending: 3,
} as const satisfies Record<DeliveryStatusName, number>;

/** A delivery status by number: `0 | 1 | 2 | 3`. */
export type DeliveryStatusCode = (typeof DELIVERY_STATUS)[DeliveryStatusName];

/**
 * Every status number, in order (for schemas that list them).
 *
 * @example z.literal(DELIVERY_STATUS_CODES)
 */
export const DELIVERY_STATUS_CODES = [0, 1, 2, 3] as const satisfies readonly DeliveryStatusCode[];

/**
 * The name of a status number, or undefined for a number that is not one.
 *
 * @example deliveryStatusName(3) // "sending"; deliveryStatusName(9) // undefined
 */
export function deliveryStatusName(code: number): DeliveryStatusName | undefined {
  return DELIVERY_STATUS_NAMES[code];
}
