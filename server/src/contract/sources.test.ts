import { describe, expect, it } from "vitest";

import { providerNames } from "../providers/registry.js";
import { PROVIDER_NAMES, ProviderName } from "./sources.js";

describe("PROVIDER_NAMES", () => {
  it("lists exactly the registered providers, in registry order", () => {
    expect([...PROVIDER_NAMES]).toEqual([...providerNames]);
  });

  it("is what a source's provider field accepts", () => {
    for (const name of providerNames) expect(ProviderName.parse(name)).toBe(name);
    expect(ProviderName.safeParse("nope").success).toBe(false);
  });
});
