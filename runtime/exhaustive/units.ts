/**
 * The whole exploration as independent units (docs/exhaustive.md, "Shards
 * and workers"). A unit is a schedule prefix: the threads run at the first
 * `depth` steps. Every thread the bound allows there is explored at those
 * steps (without a bound: at the first step, where nothing is preempted,
 * every runnable thread; under a bound: also at the second), so races found
 * anywhere can add nothing there, and each unit's subtree is explored alone,
 * by one shard or worker, exactly as in a single run. The one link between
 * units is the root's sleep set without a bound: a unit starting with
 * thread t sleeps on the first steps of the units starting with a lower
 * thread, which a one-step probe gives. Under a bound there are no sleep sets
 * and no link. `--shard i/n` owns the units u with u mod n = i - 1; the
 * shards' executions add up to the whole run's.
 */
import type { RunResult } from "../run";
import { continuation, type Decision, type Scheduler } from "../scheduler";
import type { Thread } from "../thread";
import { type ExploreOptions, type ExploreStats, exploreUnit, newStats, runPath, useSleep } from "./explorer";
import type { Footprint } from "./footprint";
import type { Node } from "./node";
import { Abandoned, type Event } from "./path_scheduler";
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
  /** Units of the whole exploration, and the ones this run explored. */
  units: number;
  explored: number[];
}

export const ownsUnit = (shard: Shard | undefined, unit: number): boolean => shard === undefined || unit % shard.count === shard.index;

/** The threads runnable and allowed by the bound after running `prefix` (null: the run ended first). */
function choicesAfter(program: Program, prefix: readonly number[], bound: number | null): number[] | null | { setupFailure: unknown } {
  const exec = program.start();
  if ("setupFailure" in exec) return exec;
  let k = 0;
  let prior: Thread | null = null;
  let preemptions = 0;
  let out: number[] | null = null;
  const probe: Scheduler = {
    name: "probe",
    pick(d: Decision): Thread {
      const ids = d.runnable.map((t) => t.id);
      const next = continuation(prior?.id ?? -1, ids, d.m.threads.length);
      if (k === prefix.length) {
        out = next >= 0 && bound !== null && preemptions >= bound ? [next] : ids;
        throw new Abandoned("probe");
      }
      const t = d.runnable.find((x) => x.id === prefix[k]);
      if (t === undefined) throw new Abandoned("unreachable");
      if (next >= 0 && t.id !== next) preemptions++;
      prior = t;
      k++;
      return t;
    },
  };
  try {
    exec.run(probe, { before() {}, after() {} });
  } catch (e) {
    if (!(e instanceof Abandoned)) throw e;
  }
  return out;
}

/** The units, in order: prefixes of `depth` steps (shorter where every thread is done sooner). */
export function unitsOf(program: Program, bound: number | null): number[][] | { setupFailure: unknown } {
  const depth = bound === null ? 1 : 2;
  let level: number[][] = [[]];
  for (let d = 0; d < depth; d++) {
    const next: number[][] = [];
    for (const p of level) {
      const c = choicesAfter(program, p, bound);
      if (c !== null && !Array.isArray(c)) return c;
      if (c === null || c.length === 0) next.push(p);
      else for (const t of c) next.push([...p, t]);
    }
    level = next;
  }
  return level;
}

/** The footprint of the first step of the unit starting with `first` (a one-step probe); null when it fails. */
export function firstStep(program: Program, first: number, o: ExploreOptions): Footprint | null | { setupFailure: unknown } {
  const nodes: Node[] = [];
  const events: Event[] = [];
  const r = runPath(program, nodes, events, -1, o, newStats(), 1, { forced: [first] });
  if ("setupFailure" in r) return r;
  return events[0]?.fp ?? null;
}

export function explore(program: Program, o: ExploreOptions, shard?: Shard, stats: ExploreStats = newStats()): ExploreResult {
  const units = unitsOf(program, o.bound);
  if (!Array.isArray(units)) return { complete: true, violation: null, setupFailure: units.setupFailure, stats, units: 0, explored: [] };
  const rootTaken = new Map<number, Footprint>();
  const explored: number[] = [];
  const done = (complete: boolean, violation: RunResult | null) => ({ complete, violation, stats, units: units.length, explored });
  for (let u = 0; u < units.length; u++) {
    const prefix = units[u]!;
    let first: Footprint | null = null;
    if (ownsUnit(shard, u)) {
      explored.push(u);
      const r = exploreUnit(program, prefix, rootTaken, o, stats);
      if ("setupFailure" in r) return { ...done(true, null), setupFailure: r.setupFailure };
      if (r.violation !== null || !r.complete) return done(r.complete, r.violation);
      first = r.first;
    }
    // Without a bound the next unit starting with another thread sleeps on this one's first step.
    const head = prefix[0];
    const nextHead = units[u + 1]?.[0];
    if (!useSleep(o) || head === undefined || nextHead === head || rootTaken.has(head)) continue;
    if (!units.some((p, q) => q > u && ownsUnit(shard, q))) continue;
    if (first === null) {
      const f = firstStep(program, head, o);
      if (f !== null && "setupFailure" in f) return { ...done(true, null), setupFailure: f.setupFailure };
      first = f;
    }
    // A first step that fails is the owning shard's violation; the others put nothing to sleep for it.
    if (first !== null) rootTaken.set(head, first);
  }
  return done(true, null);
}
