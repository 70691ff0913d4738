/**
 * The whole exploration, as pieces: piece i is the subtree below running the
 * i-th runnable thread first. Every thread is a choice at the root (no step
 * has run, so none is preempted), so the pieces are exactly the root's
 * backtrack set, and a piece depends on the others only through the root's
 * sleep set: the first steps of the pieces before it. A piece is therefore
 * explored alone, by a shard or a worker, with the same result as in a single
 * run: `--shard i/n` owns the pieces p with p mod n = i - 1, and the shards'
 * executions add up to the whole run's (docs/exhaustive.md, "Shards").
 */
import type { RunResult } from "../run";
import type { Footprint } from "./footprint";
import { type ExploreOptions, type ExploreStats, explorePiece, firstStep, newStats, rootThreads } from "./explorer";
import type { Program } from "./program";

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

export interface ExploreResult {
  /** false: a budget ran out first. */
  complete: boolean;
  violation: RunResult | null;
  /** The set-up failed before any thread ran (what it threw), else undefined. */
  setupFailure?: unknown;
  stats: ExploreStats;
  /** Pieces of the whole exploration, and the ones this run explored. */
  pieces: number;
  explored: number[];
}

export const ownsPiece = (shard: Shard | undefined, piece: number): boolean => shard === undefined || piece % shard.count === shard.index;

export function explore(program: Program, o: ExploreOptions, shard?: Shard, stats: ExploreStats = newStats()): ExploreResult {
  const root = rootThreads(program);
  if ("setupFailure" in root) return { complete: true, violation: null, setupFailure: root.setupFailure, stats, pieces: 0, explored: [] };
  if (root.threads.length === 0) {
    // Nothing can run: the one execution is the start state itself (done, or deadlocked).
    const mine = ownsPiece(shard, 0);
    if (mine) stats.executions++;
    const failed = mine && root.run !== null && root.run.failure !== null && root.run.failure !== undefined;
    return { complete: true, violation: failed ? root.run : null, stats, pieces: 1, explored: mine ? [0] : [] };
  }
  const pieces = root.threads;
  const asleep = new Map<number, Footprint>();
  const explored: number[] = [];
  for (let p = 0; p < pieces.length; p++) {
    const first = pieces[p]!;
    let fp: Footprint | null = null;
    if (ownsPiece(shard, p)) {
      explored.push(p);
      const r = explorePiece(program, pieces, first, asleep, o, stats);
      if ("setupFailure" in r) return { complete: true, violation: null, setupFailure: r.setupFailure, stats, pieces: pieces.length, explored };
      if (r.violation !== null || !r.complete) return { complete: r.complete, violation: r.violation, stats, pieces: pieces.length, explored };
      fp = r.first;
    }
    const later = pieces.some((_, q) => q > p && ownsPiece(shard, q));
    if (!later) continue;
    if (fp === null) {
      const f = firstStep(program, pieces, first, o.bound);
      if (f !== null && "setupFailure" in f) return { complete: true, violation: null, setupFailure: f.setupFailure, stats, pieces: pieces.length, explored };
      fp = f;
    }
    // A first step that fails is the owning shard's violation; the others put nothing to sleep for it.
    if (fp !== null) asleep.set(first, fp);
  }
  return { complete: true, violation: null, stats, pieces: pieces.length, explored };
}
