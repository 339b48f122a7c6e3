import { describe, expect, it } from "vitest";

import { generateKey, isSealed, Keyring } from "../lib/keyring.js";
import { maskHeaders, mergeHeaders, openHeaders, sealHeaders } from "./endpoint-headers.js";

describe("endpoint headers", () => {
  it("masks credential-like values and names them", () => {
    expect(maskHeaders({ Authorization: "Bearer x", "X-Env": "prod", cookie: "a=b" })).toEqual({
      headers: { Authorization: "********", "X-Env": "prod", cookie: "********" },
      sensitive: ["Authorization", "cookie"],
    });
  });

  it("merges case-insensitively; null removes", () => {
    expect(mergeHeaders({ "X-Token": "a", "X-Old": "o" }, { "x-token": "b", "x-old": null, "X-New": "n" })).toEqual({
      "x-token": "b",
      "X-New": "n",
    });
  });

  it("seals the map as a whole and opens it, plaintext rows included", () => {
    const keyring = Keyring.of({ current: generateKey(), previous: [] });
    const sealed = sealHeaders(keyring, { "X-Api-Key": "k" });
    expect(isSealed(sealed)).toBe(true);
    expect(openHeaders(keyring, sealed)).toEqual({ "X-Api-Key": "k" });
    expect(openHeaders(keyring, '{"A":"1"}')).toEqual({ A: "1" });
  });
});
