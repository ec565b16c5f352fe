import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SPA only. Tests are configured in vitest.config.ts.
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { host: '127.0.0.1', port: 5173 },
  build: {
    sourcemap: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // React in a chunk of its own: it changes far less often than the app, so it stays cached
        // across deploys, and no chunk nears the 500 kB warning. The first load is the entry plus
        // this chunk (modulepreloaded by index.html); `npm run bench:bundle` keeps it under 150 KB
        // gzip. Pages and the revenue chart are split by their dynamic imports
        // (src/app/lazy-routes.ts, src/features/metrics/components/lazy-revenue-chart.ts).
        codeSplitting: {
          groups: [{ name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ }],
        },
      },
    },
  },
});
