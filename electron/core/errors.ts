// The core's error vocabulary, in one place: what each front end (CLI, daemon, desktop) may
// tell apart and turn into an exit code, an HTTP status or a message. Each class says when
// it is thrown; the modules that throw them import them from here.
import type { RefreshResult } from '../../shared/dto.js';

/** The config file (or a settings change) is unreadable or invalid; the CLI exits 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The state file was written by a newer imagewatch; it is left untouched and the CLI exits 2. */
export class StateVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateVersionError';
  }
}

/** An image reference does not follow the distribution grammar. */
export class InvalidReferenceError extends Error {
  constructor(
    readonly reference: string,
    readonly reason: string,
  ) {
    super(`invalid image reference "${reference}": ${reason}`);
    this.name = 'InvalidReferenceError';
  }
}

/** A registry lookup failed; `status` is the HTTP status when there was one. */
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

/** The engine endpoint cannot be used as given: bad configuration, not an engine failure. */
export class DockerHostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DockerHostError';
  }
}

/** The engine could not list or inspect containers; the origin answered such a refresh with 500 and a partial result. */
export class ContainerListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerListError';
  }
}

/** A pull failed: refused, broken off, an error line inside the stream, or no progress for pullStallSeconds. */
export class PullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PullError';
  }
}

/** Another imagewatch is replacing this container; nothing was touched. */
export class ReplacementInProgressError extends Error {
  constructor(readonly owner: string) {
    super(`being replaced by another imagewatch (${owner}); left alone, will retry`);
    this.name = 'ReplacementInProgressError';
  }
}

/** A runtime name that the settings do not have; nothing was done (exit 2, HTTP 400). */
export class UnknownRuntimeError extends Error {
  constructor(
    readonly runtime: string,
    readonly known: string[],
  ) {
    super(`unknown runtime: ${runtime}`);
    this.name = 'UnknownRuntimeError';
  }
}

/** A request named an engine imagewatch does not have. */
export class UnknownEngineError extends Error {
  constructor(
    readonly engine: string,
    readonly known: string[],
  ) {
    super(`unknown engine: ${engine.slice(0, 64)} (engines: ${known.join(', ')})`);
    this.name = 'UnknownEngineError';
  }
}

/** Container listing failed; the origin answered 500 with what was done so far. */
export class RefreshListError extends Error {
  constructor(
    message: string,
    readonly partial: RefreshResult,
  ) {
    super(message);
    this.name = 'RefreshListError';
  }
}

/** A request that would clash with existing settings (a second runtime of one name). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

// A stop asked for by the user or the OS (SIGTERM, quit). Work it cuts short is not a
// failure of the registry or the engine, so it is never recorded as one.
export class ShutdownError extends Error {
  constructor(signal: string) {
    super(`signal ${signal}`);
    this.name = 'ShutdownError';
  }
}

/** The state directory's lock is held by another process (claim.ts decides what follows). */
export class LockHeldError extends Error {
  constructor(readonly dir: string) {
    super(`state directory ${dir} is owned by another imagewatch`);
    this.name = 'LockHeldError';
  }
}

/** Nothing listens on the owner's channel: the owner is starting, ending or dead. */
export class ChannelUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelUnreachableError';
  }
}

/** Who holds a state directory, as much as an error needs to name it. */
interface OwnerSketch {
  kind: string;
  identity: { pid: number; host: string };
  since: string;
}

/** Another imagewatch owns the state directory and this process may not become its client. */
export class OwnerBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: OwnerSketch | null,
    why: string,
  ) {
    super(
      owner
        ? `state directory ${dir} is owned by imagewatch ${owner.kind} (pid ${owner.identity.pid} on ${owner.identity.host}, since ${owner.since}); ${why}`
        : `state directory ${dir} is locked by another imagewatch; ${why}`,
    );
    this.name = 'OwnerBusyError';
  }
}
