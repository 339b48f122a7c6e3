/**
 * Careem's sample `order.created` webhook from the integration guide (seed 001, section 2.1),
 * verbatim: the payload the normalization tests and the inbound end-to-end test both start from.
 */
export const CAREEM_SAMPLE_ORDER = {
  event_type: "order.created",
  timestamp: "2024-09-27T10:30:00Z",
  data: {
    order: {
      id: "careem_order_12345",
      order_number: "ORD-789",
      status: "confirmed",
      restaurant_id: "rest_456",
      customer: { id: "cust_789", name: "Ahmed Ali", phone: "+971501234567", email: "ahmed@example.com" },
      items: [
        {
          id: "item_123",
          menu_item_id: "menu_456",
          name: "Chicken Shawarma",
          quantity: 2,
          unit_price: "25.00",
          total_price: "50.00",
          modifiers: [{ id: "mod_789", name: "Extra Sauce", price: "2.00", quantity: 1 }],
        },
      ],
      total_amount: "52.00",
      currency: "AED",
      delivery_address: {
        formatted_address: "123 Sheikh Zayed Road, Dubai",
        coordinates: { lat: 25.2048, lng: 55.2708 },
      },
      payment_status: "paid",
      payment_method: "card",
      created_at: "2024-09-27T10:30:00Z",
    },
  },
};
