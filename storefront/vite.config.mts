import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The bundle carries no gateway address: the server hands it /config.json at runtime, so one build serves any gateway.
// eslint-disable-next-line no-restricted-syntax -- Vite reads its config from the default export.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist/public', emptyOutDir: true, sourcemap: true },
});
