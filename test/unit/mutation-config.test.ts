// `npm run mutate` type-checks each mutant against tsconfig.mutate.json, which lists only the
// mutated files so each check builds a small program. A file added to Stryker's list but not
// there would be checked by nothing: its mutants that cannot compile would be run as if they could.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const json = (file: string): unknown => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

describe('mutation testing config', () => {
  it('type-checks exactly the files Stryker mutates, without their line ranges', () => {
    const stryker = json('stryker.config.json') as { mutate: string[] };
    const tsconfig = json('tsconfig.mutate.json') as { include: string[]; files: string[] };
    const mutated = stryker.mutate.map((entry) => entry.replace(/:[0-9-]+$/, ''));
    expect(tsconfig.include).toEqual([]);
    expect([...tsconfig.files].sort()).toEqual([...new Set(mutated)].sort());
  });
});
