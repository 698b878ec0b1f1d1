// The layer boundaries are held by the lint config (eslint.config.js), not by goodwill: each
// forbidden import below must be flagged, and each allowed one must pass.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });

async function flagged(file: string, code: string): Promise<boolean> {
  const [result] = await eslint.lintText(`${code}\nvoid x;\n`, { filePath: path.join(root, file) });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('lint-held boundaries', () => {
  it.each([
    ['electron/core/app/example.ts', "import { x } from '../../main/stores.js';"],
    ['electron/core/example.ts', "import { x } from '../serve/server.js';"],
    ['electron/core/example.ts', "import { x } from '../cli/run.js';"],
    ['electron/core/example.ts', "import { app as x } from 'electron';"],
    ['electron/core/example.ts', "import x from 'electron-store';"],
    ['shared/example.ts', "import { x } from '../electron/core/engine.js';"],
    ['shared/example.ts', "import { app as x } from 'electron';"],
    ['renderer/src/example.ts', "import { x } from '../../electron/core/engine.js';"],
    ['renderer/src/example.ts', "import x from 'node:fs';"],
    ['renderer/src/example.ts', "import x from 'dockerode';"],
    ['electron/cli/example.ts', "import { x } from '../../test/integration/helpers.js';"],
    ['electron/main/example.ts', "import { x } from '../../test/fakes/electron.js';"],
    ['electron/core/refresh/example.ts', "import type x from 'dockerode';"],
    ['electron/core/docker/example.ts', "import x from 'dockerode';"],
    ['electron/core/engines/example.ts', "import x from 'docker-modem';"],
    ['electron/serve/example.ts', "import x from 'dockerode';"],
    ['electron/main/example.ts', "import x from 'dockerode';"],
  ])('refuses in %s: %s', async (file, code) => {
    expect(await flagged(file, code)).toBe(true);
  });

  it.each([
    ['electron/core/example.ts', "import { x } from '../../shared/dto.js';"],
    ['electron/core/watch/example.ts', "import { x } from '../state/store.js';"],
    ['electron/main/example.ts', "import { app as x } from 'electron';"],
    ['electron/main/example.ts', "import { x } from '../core/app/controller.js';"],
    ['renderer/src/example.ts', "import { x } from '../../shared/api.js';"],
    ['renderer/src/example.ts', "import { useState as x } from 'react';"],
    ['test/unit/example.test.ts', "import { x } from '../../electron/core/engine.js';"],
    ['electron/core/engines/connect.ts', "import x from 'dockerode';"],
    ['electron/core/engines/client.ts', "import type x from 'dockerode';"],
    ['electron/core/docker/example.ts', "import type { EngineClient as x } from '../engines/client.js';"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await flagged(file, code)).toBe(false);
  });
});
