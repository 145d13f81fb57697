import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// React through Vite's built-in oxc transform (automatic JSX runtime): no @vitejs/plugin-react needed.
export default defineConfig({
  root: here('.'),
  publicDir: here('public'),
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: {
    // The composer counts characters with the server's own code (browser-safe files under libs/).
    alias: { '@libs': here('../../libs') },
  },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    // CSP forbids inline scripts: no inlined polyfill, no assets as data: for scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    port: 5173,
    proxy: { '/v1': 'http://127.0.0.1:3000', '/reports': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' },
  },
});
