import { defineConfig } from 'vite';

// Relative asset paths: the same build loads from file:// in Electron and from `imagewatch serve`.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
  },
});
