/**
 * A thread that waits synchronously for its worker threads (Atomics.wait)
 * sees no 'exit' event: a worker that died without a word (killed, out of
 * memory) would keep it waiting for ever. The workers therefore show
 * progress in shared memory (a counter each unit of work moves), and the
 * waiting thread calls them dead once the counter has not moved for
 * WORKER_STALL_MS.
 */

/**
 * How long a waiting thread lets its workers go with no sign of progress:
 * far longer than any unit of work they count (a sampled run, bounded by its
 * step budget; a point of --compare's map) or a worker's start-up.
 */
export const WORKER_STALL_MS = 120_000;

/** How long one Atomics.wait of such a thread lasts before it polls its interrupt hook and its watch. */
export const WAIT_POLL_MS = 100;

/**
 * A watch over a wait: call it at each wake-up. It reads `progress` (any
 * number that moves while the workers work), and throws `stalled()`'s error
 * once the number has not moved for `stallMs`. The clock starts at the first
 * call.
 */
export function stallWatch(progress: () => number, stalled: (seconds: number) => Error, stallMs = WORKER_STALL_MS): () => void {
  let last = Number.NaN;
  let since = 0;
  return () => {
    const p = progress();
    const now = Date.now();
    if (p !== last) {
      last = p;
      since = now;
    } else if (now - since > stallMs) throw stalled(Math.round(stallMs / 1000));
  };
}
