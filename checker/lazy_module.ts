/**
 * A module loaded on first use. The checker's entry point (index.ts) hands
 * out its heavy parts (the exhaustive engine, the sweep, --compare, the file
 * readers and their zod schemas) through these, so that a command loads
 * only what its mode runs: a check's main thread and worker each paid
 * ~0.25 s of CPU to load everything (issue 18, docs/benchmarks.md).
 *
 * Contract: `load` is a `require` of a module of this package; it runs at
 * most once, on the first call, and every call returns the same module.
 */
export function lazyModule<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
