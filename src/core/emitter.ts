/** A minimal event emitter; a listener that throws is isolated from the others and the caller. */
export function createEmitter<M extends object>() {
  // No prototype: a name like "constructor" or "__proto__" is just an unknown event, never a crash.
  const listeners: { [K in keyof M]?: Set<(p: M[K]) => void> } = Object.create(null);
  return {
    on<K extends keyof M>(name: K, fn: (p: M[K]) => void): () => void {
      (listeners[name] ??= new Set()).add(fn);
      return () => { listeners[name]?.delete(fn); };
    },
    emit<K extends keyof M>(name: K, payload: M[K]): void {
      const set = listeners[name];
      if (set) for (const fn of set) { try { fn(payload); } catch { /* a listener's bug is the site's; never ours to throw */ } }
    },
    has: (name: keyof M): boolean => !!listeners[name]?.size,
  };
}
