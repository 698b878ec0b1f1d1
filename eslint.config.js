// Lint: typescript-eslint's recommended rules, plus the layer boundaries the design fixes.
// `no-restricted-imports` matches import specifiers, so each boundary names the folders a
// layer may not reach, whatever the relative path to them looks like.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frontEnds = ['**/electron/main/**', '**/main/**', '**/serve/**', '**/cli/**'];
const electronModules = ['electron', 'electron-store'];
const tests = ['**/test/**'];

/**
 * Packages the app's own code must not load, with the reason: each costs every process (the
 * daemon above all) megabytes it does not need. Measured in README's Performance section.
 */
const heavy = [
  { name: 'zod', message: "import 'zod/v3': zod 4's entry loads all of its ~50 locales, about 10 MB in every process" },
  { name: 'undici', message: "use electron/core/util/http-request.ts (Node's own client): undici costs a daemon 12–20 MB" },
];

/**
 * The engine's client is narrow (electron/core/engines/client.ts): dockerode is made only in
 * engines/connect.ts and typed only in engines/client.ts, so every engine call the core makes
 * is listed in one interface.
 */
const engineLibrary = [
  { name: 'dockerode', message: 'reach the engine through electron/core/engines/client.ts (EngineClient): dockerode stays behind it' },
  { name: 'docker-modem', message: 'reach the engine through electron/core/engines/client.ts (EngineClient): docker-modem stays behind it' },
];
const engineClientFiles = ['electron/core/engines/client.ts', 'electron/core/engines/connect.ts'];

/** One `no-restricted-imports` rule: these specifiers are not for this layer (nor the heavy packages). */
const forbid = (message, patterns, paths = [], extra = heavy) => ({
  'no-restricted-imports': ['error', { paths: [...paths.map((name) => ({ name, message })), ...extra], patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'build/**', 'test/fixtures/reporter/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        structuredClone: 'readonly',
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        EventSource: 'readonly',
        HTMLElement: 'readonly',
        KeyboardEvent: 'readonly',
        URLSearchParams: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        queueMicrotask: 'readonly',
        requestAnimationFrame: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Everything outside test/ stays out of test/. The bench runs on the test bed, so it may use
  // test/bed (the bed and its image helpers) and nothing else there.
  {
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: forbid('nothing imports from test/', tests, [], [...heavy, ...engineLibrary]),
  },
  {
    files: ['bench/**/*.ts'],
    // The bench's baseline of the origin may use undici: it is not the app.
    rules: forbid(
      'the bench may import test/bed only',
      ['**/test/integration/**', '**/test/unit/**', '**/test/e2e/**', '**/test/main/**', '**/test/components/**', '**/test/fakes/**', '**/test/*.ts'],
      [],
      [],
    ),
  },
  // The core runs under plain Node for every front end: it reaches none of them, nor Electron.
  {
    files: ['electron/core/**/*.ts'],
    ignores: engineClientFiles,
    rules: forbid('electron/core is the engine under every front end: no front end, Electron or test import', [...frontEnds, ...tests], electronModules, [
      ...heavy,
      ...engineLibrary,
    ]),
  },
  {
    files: engineClientFiles,
    rules: forbid('electron/core is the engine under every front end: no front end, Electron or test import', [...frontEnds, ...tests], electronModules),
  },
  // shared/ is the contract both sides type against: it imports nothing but itself and zod.
  {
    files: ['shared/**/*.ts'],
    rules: forbid('shared/ is the contract: it imports only itself and zod', ['**/electron/**', ...frontEnds, ...tests, '**/renderer/**'], electronModules),
  },
  // The window speaks only through the contract.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: forbid('renderer/ imports only shared/ and its own files', ['**/electron/**', ...tests, 'node:*'], [...electronModules, 'dockerode', 'zod/v3']),
  },
);
