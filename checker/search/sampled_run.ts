/**
 * One generated run of the sampled search, as every thread of the search
 * runs it (explore.ts on one thread, search_pool.ts on several): the trace
 * under the search's scheduler, seeded by the run, checked after every step.
 */
import type { Observer } from "../../runtime/machine";
import type { Scheduler } from "../../runtime/scheduler";
import { ConflictDirectedScheduler } from "../../runtime/schedulers/conflict";
import { PctScheduler } from "../../runtime/schedulers/pct";
import { RandomScheduler } from "../../runtime/schedulers/random";
import type { GeneratedRun, Variant } from "../subject";
import { runTrace, type TraceRun } from "./trace";

export type SchedulerName = "pct" | "random" | "preemptions";

/** PCT or random, with conflict-directed preemption on top; "preemptions": the trace's own. */
export function schedulerFor(name: SchedulerName, seed: number, depth: number, v: Variant): Scheduler | undefined {
  if (name === "pct") return new ConflictDirectedScheduler(new PctScheduler(seed, v.subject.roles.length, depth, v.subject.pctSteps), seed, v.subject.conflict);
  if (name === "random") return new ConflictDirectedScheduler(new RandomScheduler(seed), seed, v.subject.conflict);
  return undefined;
}

/** How each generated run of a search is run: the same on every thread. */
export interface SampledSettings {
  scheduler: SchedulerName;
  depth: number;
  budget: number;
  tso: boolean;
  full: boolean;
}

/** Generated run `g` of a search, under the search's scheduler seeded by the run. */
export function sampledRun(v: Variant, s: SampledSettings, g: GeneratedRun, observers?: Observer[]): TraceRun {
  return runTrace(g.trace, v, { budget: s.budget, tso: s.tso, full: s.full, scheduler: schedulerFor(s.scheduler, g.seed, s.depth, v), observers });
}
