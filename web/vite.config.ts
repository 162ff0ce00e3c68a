import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// scripts/dev.mjs passes the Nest port; the dev server proxies the API there so the session
// cookie stays same-origin, exactly as when Nest serves the built app.
const apiPort = process.env.SALT_API_PORT ?? '3000';

export default defineConfig({
  root,
  // React 19's automatic runtime, compiled by Vite's own oxc transform (no React plugin: its
  // Babel setup conflicts with jest's).
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      onwarn(warning, warn) {
        // Libraries' "use client" markers mean nothing in a client-only bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: Number(process.env.SALT_WEB_PORT ?? '5173'),
    strictPort: true,
    proxy: { '/api': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: false } },
  },
});
