// The tests `npm run mutate` runs against each mutant: the unit project only (see
// docs/mutation.md for why the other projects are left out). Kept apart from vitest.config.ts
// so Stryker's runner sees one plain project and none of the bed's global setup.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
