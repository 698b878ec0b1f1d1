// The tests `npm run mutate` runs against each mutant: the unit project only (see
// docs/mutation/README.md for why the other projects are left out). Kept apart from vitest.config.ts
// so Stryker's runner sees one plain project and none of the bed's global setup.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // A mutant of a shared module (image references most) is covered by tests in a dozen files.
    // Isolated, each file loads the module graph again in a fresh worker (about 150 ms a file);
    // shared, one load serves them all (10 files: 1.6 s isolated, 0.4 s shared). Stryker switches
    // mutants at call time, and the unit suite passes with files sharing modules.
    isolate: false,
  },
});
