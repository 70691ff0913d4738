/**
 * A trace of the 2013 series built on the engine: the world of its variant,
 * one thread per role running its operations, the step checker, and the
 * set-up run alone on a thread of its own.
 */
import { LazyTextOperation } from "../search/lazy_operation";
import type { OpDesc } from "../../model/operations";
import { Thread } from "../../runtime/thread";
import type { BuildOptions, BuiltRun, Trace, Variant } from "../subject";
import { ghostResources, hostListsLogged } from "./exhaustive_resources";
import { threadName } from "../search/trace";
import { implOp, opText } from "./operations";
import { StepChecker, type TraceOperation } from "./oracle/step_checker";
import { asSeries } from "./variants";
import { seriesSnapshot } from "./snapshot";
import { makeWorld, type World, type WorldConfig } from "./world";

/** The thread roles of a series trace, in the fixed order preemptions name them by. */
export const ROLES = ["ioctl", "zapper", "notifier", "vcpu", "hw"] as const;
export type Role = (typeof ROLES)[number];

export type SeriesTrace = Trace<WorldConfig, OpDesc>;

/** An operation of a trace: what it runs, printed as the kernel call when read (LazyTextOperation). */
export function operation(w: World, desc: OpDesc): TraceOperation {
  return new LazyTextOperation(w, desc, opText, implOp);
}

export function buildSeriesTrace(t: Trace, variant: Variant, opts: BuildOptions): BuiltRun {
  const trace = t as SeriesTrace;
  const threads: Thread[] = [];
  const world = makeWorld(trace.config, asSeries(variant), threads, { tso: opts.tso });
  trace.threads.forEach((spec, i) => {
    const joinable = spec.role === "vcpu" || spec.role === "hw";
    threads.push(new Thread(i, threadName(spec.role, i), spec.ops.map((d) => operation(world, d)), joinable));
  });
  const checker = new StepChecker(world, { full: opts.full });
  const setupThread = new Thread(-1, "setup", []);
  return {
    machine: world.machine,
    threads,
    checker,
    setup: () => {
      for (const d of trace.setup) world.machine.runOperation(setupThread, operation(world, d));
    },
    exhaustiveOnly: () => hostListsLogged(world),
    footprint: (c, into) => ghostResources(world, c, into),
    snapshot: () => seriesSnapshot(world),
    state: [world],
  };
}
