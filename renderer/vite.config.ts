import { defineConfig } from 'vite';

// Relative asset paths: the same build loads from file:// in Electron and from `imagewatch serve`.
// With --ssr, the server-side build `imagewatch serve` draws the window with
// (shared/served-window.ts): React bundled in, in its production build, so it needs nothing
// from node_modules at run time and never runs React's development checks in the daemon.
export default defineConfig(({ isSsrBuild }) =>
  isSsrBuild
    ? {
        root: 'renderer',
        ssr: { noExternal: true, target: 'node' },
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: { outDir: '../dist/renderer-ssr', emptyOutDir: true, copyPublicDir: false, sourcemap: true },
      }
    : {
        root: 'renderer',
        base: './',
        build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true },
      },
);
