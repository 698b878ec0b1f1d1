// A stop asked for by the user or the OS (SIGTERM, quit). Work it cuts short is not a
// failure of the registry or the engine, so it is never recorded as one.
export class ShutdownError extends Error {
  constructor(signal: string) {
    super(`signal ${signal}`);
    this.name = 'ShutdownError';
  }
}
