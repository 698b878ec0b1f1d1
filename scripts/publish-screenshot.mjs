// After `npm run screenshots`: copies the window screenshot shown in README to docs/.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const source = 'test-results/screenshots/history.png';
if (!existsSync(source)) {
  console.error(`${source} is missing: the e2e run did not produce it`);
  process.exit(1);
}
mkdirSync('docs', { recursive: true });
copyFileSync(source, 'docs/window.png');
console.log('docs/window.png updated from', source);
