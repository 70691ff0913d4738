/**
 * A trace of the lockless subject built on the engine: the world of its
 * variant, one thread per role running its operations, the step checker, and
 * the set-up run alone on a thread of its own.
 */
import { LazyTextOperation } from "../search/lazy_operation";
import { Thread } from "../../runtime/thread";
import type { BuildOptions, BuiltRun, Trace, Variant } from "../subject";
import { threadName } from "../search/trace";
import { implOp, type LocklessOp, opText } from "./operations";
import { type LocklessCheckerOptions, type LocklessOperation, LocklessStepChecker } from "./oracle/step_checker";
import { locklessGhostResources, locklessHostListsLogged } from "./exhaustive_resources";
import { asLockless } from "./variants";
import { type LocklessConfig, type LocklessWorld, makeLocklessWorld } from "./world";

/**
 * Thread roles, in the fixed order preemptions name them by (spec §5.2):
 * a vCPU (slow and fast faults, accesses), the mmu_lock holder (zaps, dirty
 * log, write tracking), two lockless agers, and a second vCPU.
 */
export const ROLES = ["vcpu", "mmu", "ager", "guest", "ager2"] as const;
export type Role = (typeof ROLES)[number];

export type LocklessTrace = Trace<LocklessConfig, LocklessOp>;

/** An operation of a trace: what it runs, printed as the kernel call when read (LazyTextOperation). */
export function operation(w: LocklessWorld, desc: LocklessOp): LocklessOperation {
  return new LazyTextOperation(w, desc, opText, implOp);
}

export function buildLocklessTrace(t: Trace, variant: Variant, opts: BuildOptions, extra: LocklessCheckerOptions = {}): BuiltRun & { world: LocklessWorld; checker: LocklessStepChecker } {
  const trace = t as LocklessTrace;
  const threads: Thread[] = [];
  const all = [trace.setup, ...trace.threads.map((th) => th.ops)];
  const deletes = all.some((ops) => ops.some((d) => d.kind === "delete_memslot"));
  const changesFlags = all.some((ops) => ops.some((d) => d.kind === "log_dirty_pages"));
  const world = makeLocklessWorld(trace.config, asLockless(variant), threads, { tso: opts.tso }, deletes ? "delete" : changesFlags);
  trace.threads.forEach((spec, i) => threads.push(new Thread(i, threadName(spec.role, i), spec.ops.map((d) => operation(world, d)))));
  const checker = new LocklessStepChecker(world, { full: opts.full, ...extra });
  const setupThread = new Thread(-1, "setup", []);
  return {
    world,
    machine: world.machine,
    threads,
    checker,
    setup: () => {
      for (const d of trace.setup) world.machine.runOperation(setupThread, operation(world, d));
    },
    exhaustiveOnly: () => locklessHostListsLogged(world),
    footprint: (c, into) => locklessGhostResources(world, c, into, (t) => checker.readsAgingGate(t), (t) => checker.tookUnmapSnapshot(t)),
    state: [world],
  };
}
