/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API to a running `assay up` (ASSAY_API, default port 8321).
const api = process.env.ASSAY_API ?? "http://127.0.0.1:8321";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 800 },
  server: { proxy: { "/v1": api } },
  // `npm test`: unit tests of the pure modules, in Node (no DOM); globals stubbed per test are restored.
  test: { environment: "node", include: ["src/**/*.test.ts"], unstubGlobals: true, restoreMocks: true },
});
