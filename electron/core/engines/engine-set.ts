// The engines imagewatch acts on, by name, each with what the core keeps beside it (its
// refresh service, its watchlist). One set for the whole core: the registry side, the watch
// loop and the saved state are built once and read the engines from here, so replacing one
// engine (the window's "Use this") swaps that engine's members and nothing else.
import { UnknownEngineError } from '../errors.js';
import type { Engine } from './engine.js';

/** An engine and what is built on it; `close` waits for its work and lets it go. */
export interface EngineMember {
  readonly engine: Engine;
  close(): Promise<void>;
}

export class EngineSet<M extends EngineMember> {
  private readonly members = new Map<string, M>();

  constructor(members: readonly M[]) {
    if (members.length === 0) throw new Error('internal: an engine set needs an engine');
    for (const member of members) {
      if (this.members.has(member.engine.name)) throw new Error(`internal: two engines named ${member.engine.name}`);
      this.members.set(member.engine.name, member);
    }
  }

  /** Every engine's member, in the order the settings list them. */
  list(): M[] {
    return [...this.members.values()];
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  /** The first engine: the only one while there is one. */
  get first(): M {
    return this.members.values().next().value as M;
  }

  get(name: string): M {
    const member = this.members.get(name);
    if (!member) throw new UnknownEngineError(name, this.names());
    return member;
  }

  /** Waits for the work of the engine named like `next` to end, then puts `next` in its place. */
  async replace(next: M): Promise<void> {
    const old = this.get(next.engine.name);
    await old.close();
    this.members.set(next.engine.name, next);
  }

  /** Adds an engine, last. */
  add(member: M): void {
    if (this.members.has(member.engine.name)) throw new Error(`internal: two engines named ${member.engine.name}`);
    this.members.set(member.engine.name, member);
  }

  /** Takes an engine out once its work has ended; the first engine cannot be removed while it is the only one. */
  async remove(name: string): Promise<void> {
    const member = this.get(name);
    if (this.members.size === 1) throw new Error('internal: the last engine cannot be removed');
    this.members.delete(name);
    await member.close();
  }

  async close(): Promise<void> {
    await Promise.all(this.list().map((m) => m.close()));
  }
}
