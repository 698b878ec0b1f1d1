// Starts the test bed once for the integration project. A bed that cannot start is passed
// on as an error: integration tests then fail under CI=true and skip elsewhere.
import { readFileSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import type {} from 'vitest';
import { TestBed, type BedState } from './testbed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    bed: BedState;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A developer's running bed (its BedInfo as a JSON file), to skip a minute of start-up per run.
  if (process.env.IMAGEWATCH_TEST_BED && !process.env.CI) {
    project.provide('bed', JSON.parse(readFileSync(process.env.IMAGEWATCH_TEST_BED, 'utf8')) as BedState);
    return () => Promise.resolve();
  }
  const bed = new TestBed();
  let state: BedState;
  try {
    state = await bed.start();
  } catch (err) {
    state = { ok: false, error: (err as Error).message };
  }
  project.provide('bed', state);
  return () => bed.stop();
}
