import { expect, it } from "vitest";

import { CLI_ACTOR } from "../../services/principal.js";
import { TEST_DATA_KEY, testAppsPerTest } from "../../test-support/harness.js";
import { describeEachStore } from "../../test-support/postgres.js";

describeEachStore("backup over HTTP on %s", (kind) => {
  // Instances share a data key: a sealed backup opens only under the key that sealed it.
  const { open } = testAppsPerTest(kind, { secretKey: TEST_DATA_KEY });

  it("exports from one instance and restores into an empty one; refuses a second import and a newer format", async () => {
    const from = await open();
    await from.services.applications.create(CLI_ACTOR, { name: "Acme", uid: "acme" });
    await from.services.endpoints.create(CLI_ACTOR, "acme", { url: "https://example.com/hook", uid: "main" });
    const exported = await from.app.inject({ method: "POST", url: "/api/v1/backup/export", headers: from.auth, payload: { omitSecrets: true } });
    expect(exported.statusCode).toBe(200);
    const doc = exported.json<{ secrets: string; tables: Record<string, unknown[]> }>();
    expect(doc.secrets).toBe("omitted");
    expect(JSON.stringify(doc)).not.toContain("enc:v");

    const to = await open();
    const imported = await to.app.inject({ method: "POST", url: "/api/v1/backup/import", headers: to.auth, payload: doc });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ tables: { applications: 1, endpoints: 1 }, secrets: "omitted", notes: [expect.stringContaining("(main): new signing secret")] });
    expect((await to.services.endpoints.get(CLI_ACTOR, "acme", "main")).url).toBe("https://example.com/hook");

    const again = await to.app.inject({ method: "POST", url: "/api/v1/backup/import", headers: to.auth, payload: doc });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: "not_empty" });
    const newer = await to.app.inject({ method: "POST", url: "/api/v1/backup/import", headers: to.auth, payload: { ...doc, version: 7 } });
    expect(newer.statusCode).toBe(400);
    expect(newer.json()).toMatchObject({ code: "invalid_backup", detail: expect.stringContaining("format version 7, written by a newer Hookrelay") });
  });
});
