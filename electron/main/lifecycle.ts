// Quitting never interrupts a container replacement: the first quit request is held until
// the controller has stopped, which waits for any refresh in flight.
import type { App } from 'electron';

export interface Stoppable {
  stop(): Promise<void>;
  readonly busy: boolean;
}

export function installQuitGuard(app: Pick<App, 'on' | 'quit'>, controller: Stoppable, beforeStop: () => void): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    beforeStop();
    void controller.stop().finally(() => {
      state = 'stopped';
      app.quit();
    });
  });
}
