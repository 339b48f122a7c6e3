import type { Kysely } from "kysely";

/* Signatures beyond HMAC (ADR 19). 1. `endpoints.signature_scheme`: how deliveries are signed,
 * `standard-webhooks` (every existing endpoint) or `x-webhook-signature` (seed 003's
 * `t=…,v1=…`). 2. `endpoints.public_key`: the `whpk_` public key of the current secret when it is
 * an ed25519 `whsk_` key, kept in plain text (it is public) so the endpoint's API output and the
 * dashboard show it without opening the sealed secret; null for HMAC secrets, which is every
 * existing row (the secret pattern refused `whsk_` until now). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("endpoints")
    .addColumn("signature_scheme", "text", (c) => c.notNull().defaultTo("standard-webhooks"))
    .execute();
  await db.schema.alterTable("endpoints").addColumn("public_key", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("endpoints").dropColumn("public_key").execute();
  await db.schema.alterTable("endpoints").dropColumn("signature_scheme").execute();
}
