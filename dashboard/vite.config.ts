import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The dashboard is a static SPA served by the Hookrelay server at `/`. In development
 * (`npm run dev -w dashboard`) API calls are proxied to a running server, by default
 * http://127.0.0.1:8071 (override with HOOKRELAY_URL).
 */
const target = process.env.HOOKRELAY_URL ?? "http://127.0.0.1:8071";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: {
      "/api": { target, changeOrigin: true },
      "/webhooks": { target, changeOrigin: true },
      "/ingest": { target, changeOrigin: true },
    },
  },
});
