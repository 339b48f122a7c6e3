import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { readKeyFile, writeKeyFile } from "./key-file.js";
import { generateKey, isSealed, keyIdOf, Keyring } from "./keyring.js";
import { fileKeyring } from "./keyring-config.js";

const A = "key-a-0123456789abcdef";
const B = "key-b-0123456789abcdef";
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** A value as the SecretBox of 0.1 sealed it: `enc:v1:` + base64(iv ‖ tag ‖ ciphertext), no key id. */
function sealV1(secretKey: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", createHash("sha256").update(secretKey).digest(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return "enc:v1:" + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

describe("Keyring", () => {
  it("seals under the current key's id and opens it again; the plaintext is nowhere in the value", () => {
    const ring = Keyring.of({ current: A, previous: [] });
    const sealed = ring.seal(SECRET);
    expect(sealed.startsWith(`enc:v2:${keyIdOf(A)}:`)).toBe(true);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).not.toContain(SECRET.slice(6));
    expect(ring.seal(SECRET)).not.toBe(sealed); // a fresh IV each time
    expect(ring.open(sealed)).toBe(SECRET);
    expect(isSealed(sealed)).toBe(true);
  });

  it("opens values sealed under a previous key and re-seals them under the current one", () => {
    const old = Keyring.of({ current: A, previous: [] });
    const sealedA = old.seal(SECRET);
    const ring = Keyring.of({ current: B, previous: [A] });
    expect(ring.open(sealedA)).toBe(SECRET);
    expect(ring.needsReseal(sealedA)).toBe(true);
    const resealed = ring.reseal(sealedA);
    expect(resealed.startsWith(`enc:v2:${keyIdOf(B)}:`)).toBe(true);
    expect(ring.needsReseal(resealed)).toBe(false);
    expect(ring.reseal(resealed)).toBe(resealed);
    expect(Keyring.of({ current: B, previous: [] }).open(resealed)).toBe(SECRET);
  });

  it("fails loudly on a value under a key it lacks, naming the key", () => {
    const sealed = Keyring.of({ current: A, previous: [] }).seal(SECRET);
    const wrong = Keyring.of({ current: B, previous: [] });
    expect(() => wrong.open(sealed)).toThrow(
      new RegExp(`sealed under key ${keyIdOf(A)}, which is not configured`),
    );
  });

  it("fails loudly when the data fails authentication (altered byte, or a key claiming another's id)", () => {
    const ring = Keyring.of({ current: A, previous: [] });
    const sealed = ring.seal(SECRET);
    const raw = Buffer.from(sealed.slice(sealed.lastIndexOf(":") + 1), "base64");
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    const altered = sealed.slice(0, sealed.lastIndexOf(":") + 1) + raw.toString("base64");
    expect(() => ring.open(altered)).toThrow(/failed authentication/);
    const forged = sealed.replace(keyIdOf(A), keyIdOf(B));
    expect(() => Keyring.of({ current: B, previous: [] }).open(forged)).toThrow(/failed authentication/);
  });

  it("opens values of Hookrelay 0.1 (enc:v1, no key id) with whichever key sealed them, and plaintext as is", () => {
    const ring = Keyring.of({ current: B, previous: [A] });
    expect(ring.open(sealV1(A, SECRET))).toBe(SECRET);
    expect(ring.needsReseal(sealV1(A, SECRET))).toBe(true);
    expect(() => Keyring.of({ current: B, previous: [] }).open(sealV1(A, SECRET))).toThrow(
      /none of the configured keys/,
    );
    expect(ring.open("whsec_plain")).toBe("whsec_plain");
    expect(ring.needsReseal("whsec_plain")).toBe(true);
    expect(isSealed("whsec_plain")).toBe(false);
  });
});

describe("fileKeyring", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("picks up a new key written to its file: opens values sealed under it and then seals under it", async () => {
    dir = mkdtempSync(join(tmpdir(), "hookrelay-keyring-"));
    const file = join(dir, "secret.key");
    writeKeyFile(file, { current: A, previous: [] }, true);
    const running = fileKeyring(file);
    expect(running.currentId).toBe(keyIdOf(A));

    // `hookrelay secrets rekey` in another process: a new key on top, the old one kept below.
    const fresh = generateKey();
    writeKeyFile(file, { current: fresh, previous: [A] });
    expect(readKeyFile(file)).toEqual({ current: fresh, previous: [A] });
    const sealedByRekey = fileKeyring(file).seal(SECRET);
    // An unknown key id makes the running keyring read the file at once.
    expect(running.open(sealedByRekey)).toBe(SECRET);
    expect(running.currentId).toBe(keyIdOf(fresh));
    expect(running.seal("x").startsWith(`enc:v2:${keyIdOf(fresh)}:`)).toBe(true);
  });

  it("rejects a key file without a key or with a short key", () => {
    dir = mkdtempSync(join(tmpdir(), "hookrelay-keyring-"));
    const file = join(dir, "k");
    writeKeyFile(file, { current: "short", previous: [] }, true);
    expect(() => readKeyFile(file)).toThrow(/shorter than 16/);
  });
});
