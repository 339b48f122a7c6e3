import type { Provider } from "../../api/types";

/**
 * Each provider's configuration as a starting template, with a one-line description of where
 * the values come from. Secret fields are write-only: the API never returns them.
 */
export const PROVIDER_INFO: Record<
  Provider,
  { label: string; template: Record<string, unknown>; help: string }
> = {
  careem: {
    label: "Careem",
    template: { secret: "", clientId: "", apiKey: "" },
    help: "HMAC key for X-Careem-Signature; clientId and apiKey are optional extra checks.",
  },
  talabat: {
    label: "Talabat",
    template: { apiKey: "" },
    help: "The value Talabat sends in X-Talabat-API-Key.",
  },
  deliveroo: { label: "Deliveroo", template: { secret: "" }, help: "HMAC key for X-Deliveroo-HMAC-SHA256." },
  jahez: { label: "Jahez", template: { token: "" }, help: "The bearer token Jahez sends in Authorization." },
  "standard-webhooks": {
    label: "Standard Webhooks",
    template: { secret: "whsec_" },
    help: "The sender's endpoint secret, whsec_ followed by base64.",
  },
  stripe: {
    label: "Stripe",
    template: { secret: "whsec_" },
    help: "The endpoint's signing secret from the Stripe dashboard.",
  },
  github: { label: "GitHub", template: { secret: "" }, help: "The webhook secret entered in GitHub." },
  shopify: {
    label: "Shopify",
    template: { secret: "" },
    help: "The app's client secret (or the webhook signing secret).",
  },
  slack: {
    label: "Slack",
    template: { secret: "" },
    help: "The app's Signing Secret (Basic Information → App Credentials). URL verification is answered for you.",
  },
  clerk: { label: "Clerk", template: { secret: "whsec_" }, help: "The endpoint's Signing Secret from the Clerk dashboard." },
  resend: { label: "Resend", template: { secret: "whsec_" }, help: "The webhook's signing secret from the Resend dashboard." },
  zoom: {
    label: "Zoom",
    template: { secret: "" },
    help: "The app's Secret Token. Zoom's endpoint URL validation is answered for you.",
  },
  segment: { label: "Segment", template: { secret: "" }, help: "The Webhooks destination's Shared Secret." },
  hubspot: {
    label: "HubSpot",
    template: { secret: "", url: "https://" },
    help: "The app's client secret, and the target URL exactly as entered in HubSpot (it is signed).",
  },
  twilio: {
    label: "Twilio",
    template: { secret: "", url: "https://" },
    help: "The Auth Token, and the webhook URL exactly as configured in Twilio, query string included (it is signed).",
  },
  hmac: {
    label: "Generic HMAC",
    template: {
      secret: "",
      header: "X-Signature",
      algorithm: "sha256",
      encoding: "hex",
      prefix: "",
      template: "{body}",
    },
    help: "Any sender signing the body with HMAC: choose the header, algorithm, encoding and signed template.",
  },
};

/** A provider's display name; unknown names (a newer server) are shown as they are. */
export function providerLabel(name: string): string {
  return (PROVIDER_INFO as Record<string, { label: string } | undefined>)[name]?.label ?? name;
}
