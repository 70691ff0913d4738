/**
 * Run a program along a given order of threads (one per step), counting the
 * preemptions it takes: switches away from a thread that could still run
 * (or, under x86-TSO, whose store buffer could: runtime/scheduler.ts).
 * Used to check and shorten a counterexample found by the explorer.
 */
import type { RunResult } from "../run";
import { continuation, type Decision, type Scheduler } from "../scheduler";
import type { Thread } from "../thread";
import type { Program } from "./program";

class Diverged extends Error {
  override readonly name = "Diverged";
}

export interface OrderedRun {
  run: RunResult;
  /** Switches away from a runnable thread. */
  preemptions: number;
}

/** null: the order cannot be followed (a thread in it is not runnable when its turn comes), or the set-up failed. */
export function runOrder(program: Program, order: readonly number[]): OrderedRun | null {
  const exec = program.start();
  if ("setupFailure" in exec) return null;
  let i = 0;
  let preemptions = 0;
  let prior: Thread | null = null;
  const sched: Scheduler = {
    name: "order",
    pick(d: Decision): Thread {
      const want = order[i++];
      const t = d.runnable.find((x) => x.id === want);
      if (t === undefined) throw new Diverged();
      const next = continuation(prior?.id ?? -1, d.runnable.map((x) => x.id), d.m.threads.length);
      if (next >= 0 && t.id !== next) preemptions++;
      prior = t;
      return t;
    },
  };
  try {
    const run = exec.run(sched, { before() {}, after() {} });
    return i === order.length ? { run, preemptions } : null;
  } catch (e) {
    if (e instanceof Diverged) return null;
    throw e;
  }
}

/**
 * A shorter order that still fails the way `same` accepts, with no more
 * preemptions: repeatedly drop one step of a thread other than the failing
 * one (its last in the order first), keeping a drop whenever the shorter run
 * still fails alike. Every candidate is re-run, so the result is a real run.
 * At most `maxRuns` re-runs.
 */
export function shortenOrder(program: Program, start: OrderedRun, same: (r: RunResult) => boolean, maxRuns = 2000): OrderedRun {
  let best = start;
  let order = best.run.trace.map((s) => s.thread);
  let runs = 0;
  for (let changed = true; changed && runs < maxRuns; ) {
    changed = false;
    const failing = best.run.failedAt === null ? -1 : order[best.run.failedAt]!;
    for (let j = order.length - 1; j >= 0; j--) {
      if (order[j] === failing) continue;
      if (++runs > maxRuns) break;
      const cand = [...order.slice(0, j), ...order.slice(j + 1)];
      const r = runOrder(program, cand);
      if (r !== null && same(r.run) && r.preemptions <= best.preemptions) {
        best = r;
        order = r.run.trace.map((s) => s.thread);
        changed = true;
        break;
      }
    }
  }
  return best;
}
