// The controller's event subscribers (the window over IPC or SSE, the tray, the CLI's log).

export class Broadcast<E> {
  private readonly listeners = new Set<(event: E) => void>();

  on(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed window) must not stop the others.
      }
    }
  }
}
