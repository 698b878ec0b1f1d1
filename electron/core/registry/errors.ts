export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The registry said 429; no request goes to it before `retryAt`. */
export class RateLimitedError extends RegistryError {
  constructor(
    readonly registry: string,
    readonly retryAt: number,
  ) {
    super(`${registry}: rate limited (429), next request allowed at ${new Date(retryAt).toISOString()}`, 429);
    this.name = 'RateLimitedError';
  }
}
