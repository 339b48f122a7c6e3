import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const PREFIX = "enc:v1:";

/**
 * Encrypts secrets at rest (endpoint signing secrets, provider keys) with AES-256-GCM when
 * HOOKRELAY_SECRET_KEY is set; without a key values pass through unchanged. Values written
 * before a key was configured stay readable, so turning encryption on needs no migration.
 *
 * @example const box = new SecretBox(process.env.HOOKRELAY_SECRET_KEY); box.open(box.seal("whsec_…"))
 */
export class SecretBox {
  private readonly key: Buffer | undefined;

  constructor(secretKey: string | undefined) {
    this.key = secretKey ? createHash("sha256").update(secretKey).digest() : undefined;
  }

  seal(plain: string): string {
    if (!this.key) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
  }

  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    if (!this.key) throw new Error("a secret is encrypted but HOOKRELAY_SECRET_KEY is not set");
    const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  }
}
