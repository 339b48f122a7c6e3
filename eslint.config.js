import js from "@eslint/js";
import simpleImportSort from "eslint-plugin-simple-import-sort";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Imports flow one way (ARCHITECTURE.md): each entry forbids a folder from reaching another. */
const boundaries = [
  { files: ["server/src/services/**"], forbid: ["**/http/**", "**/worker/**"], why: "services never import http or worker" },
  { files: ["server/src/http/**"], forbid: ["**/store/**"], why: "http reaches the store only through services" },
  {
    files: ["server/src/contract/**"],
    forbid: ["**/providers/**", "**/store/**", "**/services/**", "**/http/**"],
    why: "the contract (imported by the dashboard) imports nothing of ours but lib",
  },
  { files: ["server/src/delivery/**"], forbid: ["**/store/**", "**/http/**", "**/services/**"], why: "delivery knows nothing of the store" },
  { files: ["server/src/store/**"], forbid: ["**/http/**", "**/services/**", "**/worker/**"], why: "the store is the bottom layer" },
  { files: ["server/src/providers/**"], forbid: ["**/http/**", "**/store/**", "**/worker/**"], why: "providers are pure verification" },
  { files: ["dashboard/src/**"], forbid: ["**/server/src/!(contract)/**"], why: "the dashboard imports only API types" },
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
