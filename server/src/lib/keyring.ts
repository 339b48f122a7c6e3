import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** Sealed under a key named in the value: `enc:v2:<key id>:<base64 of iv ‖ tag ‖ ciphertext>`. */
const V2 = "enc:v2:";
/** Written by the SecretBox of 0.1 (HOOKRELAY_SECRET_KEY only): no key id, tried against each key. */
const V1 = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Whether a stored value is sealed (any version), as opposed to plaintext written before sealing. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(V2) || stored.startsWith(V1);
}

/**
 * Short public id of a key: the first 8 hex digits of a hash of the AES key. It is written into
 * every value so that opening picks the right key at once, and so that a value sealed under a key
 * the keyring lacks fails with a message naming that key instead of a bare authentication error.
 */
export function keyIdOf(secret: string): string {
  return createHash("sha256").update("hookrelay key id\n").update(aesKey(secret)).digest("hex").slice(0, 8);
}

/** The AES-256 key of a configured key string (as SecretBox derived it, so v1 values still open). */
function aesKey(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

interface DataKey {
  id: string;
  key: Buffer;
}

/** The key strings a keyring holds: `current` seals, all of them open. */
export interface KeySet {
  current: string;
  previous: readonly string[];
}

export interface KeyringOptions {
  /**
   * Re-reads the keys (a key file). Called when a value names a key id the keyring lacks, and
   * at most every `reloadMs` before sealing, so that a running process starts sealing under a
   * key `hookrelay secrets rekey` added and opens values it re-sealed.
   */
  reload?: () => KeySet;
  reloadMs?: number;
}

/**
 * AES-256-GCM sealing of secrets at rest under a current key, with previous keys kept for
 * opening values not yet re-sealed (ADR 5). Every value names the key that sealed it.
 *
 * A value without the `enc:` prefix is plaintext written before sealing existed and is returned
 * as it is (migration 0005 seals those rows). A value naming an unknown key, or failing
 * authentication (a wrong key, a changed byte), throws: a wrong key never yields wrong secrets.
 *
 * @example const ring = Keyring.of({ current: "k1-…", previous: [] }); ring.open(ring.seal("whsec_…"))
 */
export class Keyring {
  private keys!: { current: DataKey; byId: Map<string, DataKey>; all: DataKey[] };
  private checkedAt = 0;

  private constructor(
    keys: KeySet,
    private readonly options: KeyringOptions,
  ) {
    this.use(keys);
    this.checkedAt = Date.now();
  }

  static of(keys: KeySet, options: KeyringOptions = {}): Keyring {
    return new Keyring(keys, options);
  }

  /** The id of the key new values are sealed under. */
  get currentId(): string {
    this.maybeReload();
    return this.keys.current.id;
  }

  /** Ids of every key this keyring opens with, current first. */
  get keyIds(): string[] {
    return this.keys.all.map((k) => k.id);
  }

  seal(plain: string): string {
    this.maybeReload();
    const { id, key } = this.keys.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `${V2}${id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
  }

  open(stored: string): string {
    if (stored.startsWith(V2)) {
      const colon = stored.indexOf(":", V2.length);
      if (colon < 0) throw new Error("a sealed value is malformed (no key id)");
      const id = stored.slice(V2.length, colon);
      const key = this.keyById(id);
      return decrypt(key.key, Buffer.from(stored.slice(colon + 1), "base64"), id);
    }
    if (stored.startsWith(V1)) {
      const raw = Buffer.from(stored.slice(V1.length), "base64");
      for (const key of this.keys.all) {
        try {
          return decrypt(key.key, raw, key.id);
        } catch {
          // v1 values name no key: try the next one.
        }
      }
      throw new Error(
        "a value sealed by Hookrelay 0.1 opens with none of the configured keys (HOOKRELAY_SECRET_KEY)",
      );
    }
    return stored;
  }

  /** True when the value is plaintext or sealed under a key other than the current one. */
  needsReseal(stored: string): boolean {
    return !stored.startsWith(`${V2}${this.currentId}:`);
  }

  /** The value sealed under the current key (opened first if sealed under another); unchanged if it already is. */
  reseal(stored: string): string {
    return this.needsReseal(stored) ? this.seal(this.open(stored)) : stored;
  }

  private keyById(id: string): DataKey {
    let key = this.keys.byId.get(id);
    if (!key && this.options.reload) {
      this.reload();
      key = this.keys.byId.get(id);
    }
    if (!key) {
      throw new Error(
        `a value is sealed under key ${id}, which is not configured (keys: ${this.keyIds.join(", ")}); ` +
          "set the key that sealed it in HOOKRELAY_SECRET_KEY_PREVIOUS or the key file",
      );
    }
    return key;
  }

  private maybeReload(): void {
    const { reload, reloadMs = 1_000 } = this.options;
    if (!reload || Date.now() - this.checkedAt < reloadMs) return;
    this.checkedAt = Date.now();
    this.reload();
  }

  private reload(): void {
    try {
      this.use(this.options.reload!());
    } catch {
      // The key file is being replaced or is briefly unreadable: keep the keys in hand. A value
      // under a key they lack still fails loudly in keyById.
    }
  }

  private use(keys: KeySet): void {
    const all = [keys.current, ...keys.previous].map((secret) => ({
      id: keyIdOf(secret),
      key: aesKey(secret),
    }));
    this.keys = { current: all[0]!, byId: new Map(all.map((k) => [k.id, k])), all };
  }
}

function decrypt(key: Buffer, raw: Buffer, id: string): string {
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error(`a value sealed under key ${id} is truncated`);
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new Error(`a value sealed under key ${id} failed authentication: wrong key or altered data`);
  }
}

/** A new random key string: 32 random bytes, base64url. */
export function generateKey(): string {
  return randomBytes(32).toString("base64url");
}
