import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

// The touchscreen app. `npm run build` writes dist/ui, which the appliance serves at `/`.
// `npx vite --config ui/vite.config.ts` serves it for development against a running appliance
// (SOHOA_API, default the demo's http://127.0.0.1:8080), proxying the API and its WebSocket.
const api = process.env.SOHOA_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    // The appliance is offline: everything ships in the bundle, nothing is fetched from a CDN.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': { target: api, ws: true } },
  },
});
