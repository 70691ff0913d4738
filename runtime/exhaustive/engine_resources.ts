/**
 * The engine's own shared state as resources of a step's footprint, from the
 * step's typed fields (runtime/step.ts) and the thread's state around it.
 * Memory is not here: it reports itself (runtime/access_log.ts).
 *
 *   spin_lock / spin_unlock of lock L         write lock L
 *   srcu_read_lock / _unlock by T              write srcu T
 *   synchronize_srcu, and the step after which a thread's next step is one
 *     (its grace period starts when it is issued: Machine.runnable)
 *                                              read srcu of every other thread
 *   region_enter / region_exit by T            write region T
 *   wait_regions by T                          read region of every other thread
 *   the step after which a joinable T is done  write done T
 *   wait_joined                                read done of every joinable thread
 *   smp_mb, ghost, warn                        nothing (sequential consistency: a
 *                                              fence orders nothing further)
 */
import { syncResource } from "../access_log";
import type { Machine } from "../machine";
import type { Step } from "../step";
import type { Thread } from "../thread";
import type { FootprintBuilder } from "./footprint";

const LOCK = 0;
const SRCU = 1;
const REGION = 2;
const DONE = 3;
const res = (code: number, index: number): number => syncResource(4 * index + code);

/** The resource of lock number `lock`. */
export const lockResource = (lock: number): number => res(LOCK, lock);

/** A resource of the program's own (a checker's ghost state), numbered from 0; never an engine one. */
export const programResource = (n: number): number => syncResource(-1 - n);

/** What thread t's state looked like around one step. */
export interface StepContext {
  readonly step: Step;
  readonly thread: Thread;
  /** The thread's operation index before the step (an operation ended iff it changed). */
  readonly opBefore: number;
}

function others(m: Machine, t: Thread, code: number, into: FootprintBuilder): void {
  for (const o of m.threads) if (o !== t) into.read(res(code, o.id));
}

export function engineResources(m: Machine, c: StepContext, into: FootprintBuilder): void {
  const t = c.thread;
  switch (c.step.op) {
    case "spin_lock":
    case "spin_unlock":
      into.write(res(LOCK, c.step.addr));
      break;
    case "srcu_read_lock":
    case "srcu_read_unlock":
      into.write(res(SRCU, t.id));
      break;
    case "synchronize_srcu":
      others(m, t, SRCU, into);
      break;
    case "region_enter":
    case "region_exit":
      into.write(res(REGION, t.id));
      break;
    case "wait_regions":
      others(m, t, REGION, into);
      break;
    case "wait_joined":
      for (const o of m.threads) if (o.joinable) into.read(res(DONE, o.id));
      break;
    default:
      break;
  }
  if (t.pending?.op === "synchronize_srcu") others(m, t, SRCU, into);
  if (t.done && t.joinable) into.write(res(DONE, t.id));
}
