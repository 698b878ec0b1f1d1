// Writes the tray icons (light and dark menu bars, every status) and the app icon for
// electron-builder into build/, from the same drawing code the app uses at run time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { trayIconPng } from '../dist/electron/main/tray-icon.js';

const statuses = ['idle', 'checking', 'update-available', 'refreshing', 'error'];
mkdirSync('build/tray', { recursive: true });
for (const theme of ['light', 'dark']) {
  for (const status of statuses) {
    writeFileSync(`build/tray/${status}-${theme}.png`, trayIconPng(status, theme, 32));
    writeFileSync(`build/tray/${status}-${theme}@2x.png`, trayIconPng(status, theme, 64));
  }
}
writeFileSync('build/icon.png', trayIconPng('idle', 'light', 512));
console.log('wrote build/tray/*.png and build/icon.png');
