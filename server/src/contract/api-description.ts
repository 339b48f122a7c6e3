/**
 * What the API reference says about the API as a whole: the front page of `/docs` and the
 * groups its operations are listed under. The tag names of the Svix-compatible resources are the
 * official SDK's resource names, so a reader can find `svix.endpoint.create` under "Endpoint".
 */
export const API_DESCRIPTION = `
Hookrelay is a self-hosted, Svix-compatible webhook gateway: it signs and delivers your events to
your customers' endpoints (outbound), and verifies and records the webhooks providers send you
(inbound). The official \`svix\` SDKs work against it: point their \`serverUrl\` at this server.

## Authentication

Every call except health, inbound ingest and this reference needs an API key sent as a bearer
token: \`Authorization: Bearer hr_…\`. The first start prints an admin key (or registers
\`HOOKRELAY_ADMIN_TOKEN\`); create narrower keys with \`POST /api/v1/token\` or
\`npx hookrelay token create --scope …\`. A key may be bound to one application, limited to
source addresses, and given an expiry.

| Scope | Allows |
| --- | --- |
| \`admin\` | everything, including applications and API keys |
| \`app:read\` | reading applications, endpoints, messages, attempts, sources and statistics |
| \`app:write\` | changing endpoints, event types, secrets and headers; resending |
| \`message:create\` | sending messages (and nothing else) |
| \`inbound:manage\` | managing inbound sources and their logged requests |
| \`audit:read\` | reading and verifying the audit log |

Each operation states the scope it needs. Portal sessions
(\`POST /api/v1/auth/app-portal-access/{app_id}\`) are limited to one application.

## Errors

Errors are JSON \`{"code": "...", "detail": "..."}\` with a 4xx status: \`401 authentication_failed\`,
\`403 insufficient_scope\`, \`404 not_found\`, \`409 conflict\`, \`413\` for a body over the limit,
\`429\` with \`Retry-After\` when rate limited. A request that fails validation gets Svix's
\`422 {"detail": [{"loc": ["body", "url"], "msg": "...", "type": "..."}]}\`. A \`503\` means the
database is unreachable and the call may be retried.

## Idempotency

Send an \`Idempotency-Key\` header with any POST: a retry with the same key (and the same API
key) within \`HOOKRELAY_IDEMPOTENCY_TTL_SECONDS\` (12 hours by default) gets the first response
again, marked \`idempotent-replayed: true\`, instead of acting twice.

## Pagination

List operations return \`{"data": [...], "iterator": "...", "prevIterator": "...", "done": false}\`.
Pass \`iterator\` back to get the next page, until \`done\` is true; \`limit\` sets the page size
(1–250, default 50).

## Signatures

Deliveries are signed the Standard Webhooks way (\`webhook-id\`, \`webhook-timestamp\` in seconds,
\`webhook-signature\`; \`svix-*\` copies of each), with the endpoint's \`whsec_…\` secret
(\`GET …/endpoint/{endpoint_id}/secret\`). Verify them with the \`standardwebhooks\` or \`svix\` library.
`.trim();

/** The groups of the reference, in the order a newcomer meets them. */
export const API_TAGS = [
  { name: "Application", description: "Your customers (tenants): each owns its endpoints, messages and sources." },
  { name: "Event Type", description: "The catalog of events you send, with optional JSON schemas." },
  { name: "Environment", description: "The event catalogue as one document (Svix's environment export and import)." },
  { name: "Endpoint", description: "Where an application's messages are delivered, with signing secrets and headers." },
  { name: "Message", description: "Events you send; each is delivered to every subscribed endpoint." },
  { name: "Message Attempt", description: "Each delivery try, with the receiver's answer or the reason it failed." },
  { name: "Background Task", description: "Recover, replays and purges, run by the worker in resumable batches, with their progress." },
  { name: "Authentication", description: "Consumer portal sessions and the calling token." },
  { name: "API keys", description: "Bearer keys for this API: scopes, bound application, addresses, expiry, rotation." },
  { name: "Source", description: "Inbound sources: providers (Stripe, GitHub …) whose webhooks Hookrelay verifies." },
  { name: "Inbound", description: "Where providers send webhooks, and the log of what they sent." },
  { name: "Statistics", description: "Delivery and inbound counts, success rates, latency and the queue." },
  { name: "Backup", description: "The whole configuration as one versioned document, and its restore (as `hookrelay export` / `import`)." },
  { name: "Audit log", description: "A tamper-evident record of every change: who, what, when." },
  { name: "Verification", description: "Help for receivers: check a received webhook's signature and see why it fails." },
  { name: "Ingest", description: "Svix's ingest sources: environment-level sources with their own ingest URL and endpoints; a provider's verified calls are relayed to them." },
  { name: "Operational webhooks", description: "Endpoints that receive events about Hookrelay itself: endpoint changes, failing deliveries, open circuits, failing inbound sources." },
  { name: "Health", description: "Liveness and readiness for probes and operators." },
];

/** The top-bar logo of the reference: a plain wordmark, so no image file has to ship. */
export const HOOKRELAY_LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="150" height="32" viewBox="0 0 150 32">
<circle cx="14" cy="16" r="11" fill="none" stroke="#ffffff" stroke-width="3"/>
<path d="M14 9v9a4 4 0 0 0 8 0" fill="none" stroke="#ffffff" stroke-width="3" stroke-linecap="round"/>
<text x="32" y="22" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="18" font-weight="600" fill="#ffffff">Hookrelay</text>
</svg>`;
