import { describe, expect, it } from "vitest";

import { Keyring } from "../lib/keyring.js";
import { OpenedValues } from "./opened-values.js";

describe("OpenedValues", () => {
  const ring = Keyring.of({ current: "opened-values-test-key-0123456789", previous: [] });

  it("opens each sealed value once and keeps it", () => {
    let opened = 0;
    const values = new OpenedValues({ open: (s) => (opened++, ring.open(s)) });
    const sealed = ring.seal("whsec_one");
    expect(values.open(sealed)).toBe("whsec_one");
    expect(values.open(sealed)).toBe("whsec_one");
    expect(opened).toBe(1);
    // A re-sealed value (a rotation, a rekey) is another text: opened afresh.
    const resealed = ring.seal("whsec_two");
    expect(values.open(resealed)).toBe("whsec_two");
    expect(opened).toBe(2);
  });

  it("refuses what the keyring refuses, and keeps nothing for it", () => {
    const values = new OpenedValues(ring);
    const sealed = ring.seal("whsec_x");
    const tampered = sealed.slice(0, -4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(() => values.open(tampered)).toThrow();
    expect(() => values.open(tampered)).toThrow();
  });
});
