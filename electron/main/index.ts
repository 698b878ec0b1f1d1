// Desktop entry: lifecycle, tray, notifications, window and IPC around one AppController.
import { app, ipcMain, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_RUNTIMES } from '../../shared/api.js';
import { AppController } from '../core/app/controller.js';
import { journalPathFor, userDataDir } from '../core/config/paths.js';
import { adoptEarlierHome } from '../core/state/adopt.js';
import { claimStateDir } from '../core/owner/claim.js';
import { registerIpc, trustedSender } from './ipc.js';
import { installQuitGuard } from './lifecycle.js';
import { openLogFile } from './log-file.js';
import { launchedHidden, loginItem } from './login-item.js';
import { Notifier } from './notifications.js';
import { ElectronSettingsStore, ElectronStateStore, SafeStorageChannels, SafeStorageSecrets } from './stores.js';
import type { TrayAction } from './tray-menu.js';
import { TrayController } from './tray.js';
import { WindowManager } from './window.js';
import { isWebLink } from './web-link.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '../../renderer');
const preloadPath = path.join(here, '../preload/index.cjs');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  // The machine's one home, where the CLI and `serve` keep their state by default: a script's
  // `check` finds the app there and hands it the work, and with the app stopped it reads the
  // same seen digests, so nothing is announced twice. Settings and secrets stay in userData.
  const home = userDataDir(process.env);
  const logFile = openLogFile(app.getPath('logs'));
  // One owner per state directory: a `check` from cron hands its work to us instead of racing us.
  let claim: Awaited<ReturnType<typeof claimStateDir>>;
  try {
    claim = await claimStateDir(home, { kind: 'app', waitMs: 60_000 });
  } catch (err) {
    console.error(`imagewatch: ${(err as Error).message}`);
    app.quit();
    return;
  }
  if (claim.role !== 'owner') throw new Error('internal: the app cannot be a client');
  const owner = claim;
  try {
    for (const note of await adoptEarlierHome(userData, home)) logFile.log(note);
  } catch (err) {
    // The earlier state stays where it was; the app starts from what the home holds.
    logFile.log(`earlier state not brought over from ${userData}: ${(err as Error).message}`, { level: 'warn' });
  }
  const settingsStore = new ElectronSettingsStore();
  const stateStore = new ElectronStateStore(home);
  const controller = await AppController.create({
    settingsStore,
    stateStore,
    secrets: () => new SafeStorageSecrets(),
    channelVault: new SafeStorageChannels(),
    journalPath: journalPathFor(path.join(home, 'state.json')),
    log: logFile.log,
  });
  owner.lock.lost.addEventListener('abort', () => {
    console.error(`imagewatch: ${(owner.lock.lost.reason as Error).message}; quitting`);
    app.quit();
  });
  const windows = new WindowManager(rendererDir, preloadPath);
  const login = loginItem(app, process.platform, process.env, process.execPath);
  // Release links come from image labels and templates: only web pages open, in the system browser.
  const openLink = (url: string): void => {
    if (isWebLink(url)) void shell.openExternal(url);
  };
  const notifier = new Notifier((runtime) => windows.show(runtime), openLink);
  const report = (err: unknown): void => {
    console.error(`imagewatch: ${(err as Error).message}`);
    logFile.log((err as Error).message, { level: 'error' });
  };

  const onAction = (action: TrayAction): void => {
    switch (action.kind) {
      case 'refresh':
        controller.refresh(action.runtime).catch(report);
        return;
      case 'refresh-all':
        controller.refresh(ALL_RUNTIMES).catch(report);
        return;
      case 'set-auto-refresh':
        controller.setAutoRefresh(action.enabled).catch(report);
        return;
      case 'open':
        windows.show(action.runtime);
        return;
      case 'set-start-at-login':
        login.set(action.enabled);
        tray.update(controller.getState());
        return;
      case 'open-logs':
        void shell.openPath(logFile.dir);
        return;
      case 'open-link':
        openLink(action.url);
        return;
      case 'quit':
        app.quit();
    }
  };
  const tray = new TrayController(onAction, () => login.get());
  tray.update(controller.getState());

  let pending = false;
  controller.onEvent((event) => {
    notifier.handle(event);
    // Coalesce bursts (progress events) into one tray rebuild per frame.
    if (pending || event.type === 'refresh-progress') return;
    pending = true;
    setTimeout(() => {
      pending = false;
      tray.update(controller.getState());
    }, 50);
  });
  registerIpc(ipcMain, controller, trustedSender(windows.rendererUrl));

  app.on('second-instance', () => windows.show());
  app.on('activate', () => windows.show());
  // Closing the window leaves imagewatch in the tray.
  app.on('window-all-closed', () => undefined);
  const stoppable = {
    get busy() {
      return controller.busy;
    },
    async stop() {
      await owner.stopServing();
      await controller.stop();
      await owner.release();
      await logFile.close();
    },
  };
  installQuitGuard(app, stoppable, () => {
    windows.quitting = true;
  });
  app.on('will-quit', () => tray.destroy());
  controller.start();
  await owner.serve(controller.handoff());
  // Started at login: stay in the tray until asked.
  if (!launchedHidden(process.argv, app, process.platform)) windows.show();
}
