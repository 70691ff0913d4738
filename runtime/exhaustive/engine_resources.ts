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
 * Deferred work (runtime/deferral.ts); srcu T above is per domain:
 *   srcu_read_lock / _unlock of domain D by T  write srcu D T
 *   synchronize_srcu of D                      read srcu D of every other thread
 *   defer (call_srcu/call_rcu of D, schedule_work) onto executor kind E
 *                                              write queue E; read srcu D of every
 *                                              thread (the grace period is relative
 *                                              to the readers' starts)
 *   run_deferred by executor E                 write queue E; read srcu D of every
 *                                              thread for every domain D queued, the
 *                                              queue of every other executor and done
 *                                              of every other thread (when it may finish)
 *   the step after which an executor's next step is run_deferred (it became idle)
 *                                              write queue E
 *   the step after which any T is done, on a machine with executors
 *                                              write done T
 *
 * x86-TSO (runtime/machine.ts, runtime/run.ts; Abdulla, Aronis, Atig,
 * Jonsson, Leonardsson and Sagonas, "Stateless model checking for TSO and
 * PSO", TACAS 2015, the scheme Nidhugg follows): thread T's store buffer is
 * pseudo-thread n + T, whose step commits T's oldest store. Its contents are
 * resource buffer T:
 *   a commit of T's buffer                     write buffer T, and the word
 *                                              (memory reports it); if T waits
 *                                              in synchronize_srcu of D and the
 *                                              buffer is now empty, its grace
 *                                              period starts: read srcu D of
 *                                              every other thread
 *   a store of T (it enters the buffer)        write buffer T
 *   any other step of T, and T's blocked       read buffer T (a load reads its
 *     pending step                             newest buffered store first; a
 *                                              fence and a return wait for an
 *                                              empty buffer; an operation's
 *                                              last step decides whether a
 *                                              return barrier follows; the
 *                                              checkers' per-thread state
 *                                              follows T's buffer)
 * so a commit is ordered with every step of its own thread and, through the
 * word, with the other threads' accesses to it. Reading the buffer on every
 * step of T is more than loads and fences need: on the safe side.
 */
import { syncResource } from "../access_log";
import { EXECUTOR_KINDS, NO_GRACE_PERIOD } from "../deferral";
import type { Machine } from "../machine";
import type { Step } from "../step";
import type { Thread } from "../thread";
import type { FootprintBuilder } from "./footprint";

const LOCK = 0;
const SRCU = 1;
const REGION = 2;
const DONE = 3;
const res = (code: number, index: number): number => syncResource(4 * index + code);
/** The read section of thread `tid` in SRCU domain d (domain 0 keeps the resource it always had). */
const srcuRes = (d: number, tid: number): number => res(SRCU, d === 0 ? tid : 4096 * (d + 1) + tid);
/** Thread tid's store buffer (x86-TSO). */
const bufferRes = (tid: number): number => res(DONE, (1 << 22) + tid);
/** The queue of executor kind k (runtime/deferral.ts). */
const queueRes = (k: number): number => res(DONE, (1 << 20) + k);

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

function srcuOthers(m: Machine, t: Thread | null, d: number, into: FootprintBuilder): void {
  for (const o of m.threads) if (o !== t) into.read(srcuRes(d, o.id));
}

function runDeferred(m: Machine, t: Thread, into: FootprintBuilder): void {
  const k = EXECUTOR_KINDS.indexOf(t.executor!);
  into.write(queueRes(k));
  const domains = new Set<number>();
  for (const e of m.deferred.queued) if (e.domain !== NO_GRACE_PERIOD) domains.add(e.domain);
  for (const d of domains) srcuOthers(m, null, d, into);
  for (let j = 0; j < EXECUTOR_KINDS.length; j++) if (j !== k) into.read(queueRes(j));
  others(m, t, DONE, into);
}

export function engineResources(m: Machine, c: StepContext, into: FootprintBuilder): void {
  const t = c.thread;
  if (m.tso && storeBuffer(m, c, into)) return;
  switch (c.step.op) {
    case "spin_lock":
    case "spin_unlock":
      into.write(res(LOCK, c.step.addr));
      break;
    case "srcu_read_lock":
    case "srcu_read_unlock":
      into.write(srcuRes(c.step.addr, t.id));
      break;
    case "synchronize_srcu":
      srcuOthers(m, t, c.step.addr, into);
      break;
    case "defer":
      into.write(queueRes(c.step.val));
      if (c.step.addr !== NO_GRACE_PERIOD) srcuOthers(m, null, c.step.addr, into);
      break;
    case "run_deferred":
      runDeferred(m, t, into);
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
  if (t.pending?.op === "synchronize_srcu") srcuOthers(m, t, t.pending.addr, into);
  if (t.pending?.op === "run_deferred") into.write(queueRes(EXECUTOR_KINDS.indexOf(t.executor!)));
  if (t.done && (t.joinable || m.executors.length > 0)) into.write(res(DONE, t.id));
}

/** x86-TSO: the store-buffer resources of a step (see the table above); true for a commit, which has no others. */
function storeBuffer(m: Machine, c: StepContext, into: FootprintBuilder): boolean {
  const n = m.threads.length;
  const id = c.thread.id;
  if (id >= n) {
    const owner = m.threads[id - n]!;
    into.write(bufferRes(owner.id));
    const p = owner.pending;
    if (p?.op === "synchronize_srcu" && owner.storeBuffer.length === 0) srcuOthers(m, owner, p.addr, into);
    return true;
  }
  if (c.step.op === "store") into.write(bufferRes(id));
  else into.read(bufferRes(id));
  return false;
}
