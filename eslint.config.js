import { readFileSync } from "node:fs";

import js from "@eslint/js";
import simpleImportSort from "eslint-plugin-simple-import-sort";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * Imports flow one way (docs/architecture.md): server/import-rules.json says which folders each
 * folder of server/src may not import; server/test/architecture.test.ts checks the same rules
 * (and cycles) in the suite.
 */
const { forbidden } = JSON.parse(readFileSync(new URL("./server/import-rules.json", import.meta.url), "utf8"));
const boundaries = [
  ...Object.entries(forbidden).map(([folder, banned]) => ({
    files: [folder.endsWith(".ts") ? `server/src/${folder}` : `server/src/${folder}/**`],
    forbid: banned.map((b) => (b.endsWith(".ts") ? `**/${b.replace(/\.ts$/, ".js")}` : `**/${b}/**`)),
    why: `server/src/${folder} may not import ${banned.join(", ")} (docs/architecture.md)`,
  })),
  { files: ["dashboard/src/**"], forbid: ["**/server/src/!(contract)/**"], why: "the dashboard imports only the contract" },
];

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "data/**", "coverage/**", "docs/screenshots/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "simple-import-sort": simpleImportSort },
    rules: {
      "simple-import-sort/imports": "error",
      "simple-import-sort/exports": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  ...boundaries.map((b) => ({
    files: b.files,
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: b.forbid, message: b.why }] }],
    },
  })),
);
