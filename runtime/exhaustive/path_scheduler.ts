/**
 * Drives one execution along the tree: replays the path's prefix (the
 * threads chosen at nodes 0..branch), then continues with the default policy
 * (the thread that ran last while it can, else, under x86-TSO, its store
 * buffer or its owner, else the lowest runnable one: runtime/scheduler.ts),
 * creating a node per step. Records each step's footprint, and keeps the
 * sleep set: a sleeping thread is never chosen, and wakes when a step
 * dependent with its own runs. When every thread the policy may choose is
 * asleep, the execution is redundant and is abandoned (Godefroid's sleep sets).
 *
 * A step of the replayed prefix keeps the event the execution that created its
 * node recorded: the program is deterministic (the explorer relies on it: the
 * happens-before relation it keeps for the prefix, happens_before.ts, is made
 * of those events), so its footprint is not logged and built again.
 * `verifyPrefix` does log and build it, and throws Nondeterminism when it
 * differs from the recorded one (the tests' check of that reliance).
 */
import type { Machine } from "../machine";
import type { StepHooks } from "../run";
import type { Decision, Scheduler } from "../scheduler";
import type { Step, StepOp } from "../step";
import type { Thread } from "../thread";
import { engineResources, type StepContext } from "./engine_resources";
import { dependent, type Footprint, FootprintBuilder } from "./footprint";
import { makeNode, type Node, preemptionsAfter } from "./node";
import type { Execution } from "./program";

/** Thrown by the scheduler: every choice is asleep. */
export class Abandoned extends Error {
  override readonly name = "Abandoned";
}

/** The program did not repeat itself along a replayed prefix: an internal error. */
export class Nondeterminism extends Error {
  override readonly name = "Nondeterminism";
}

export interface Event {
  readonly thread: number;
  readonly fp: Footprint;
  /** The step's op, and its lock number for spin_lock / spin_unlock (else -1). */
  readonly op: StepOp;
  readonly lock: number;
}

/** verifyPrefix: null if a replayed step's rebuilt event is the recorded one, else the Nondeterminism. */
function eventDiverged(k: number, was: Event, now: Event): Nondeterminism | null {
  const list = (f: Footprint) => `reads ${f.reads.join(",")} writes ${f.writes.join(",")}`;
  if (was.thread === now.thread && was.op === now.op && was.lock === now.lock && list(was.fp) === list(now.fp)) return null;
  return new Nondeterminism(`step ${k + 1}: replayed as thread ${now.thread} ${now.op} (${list(now.fp)}), recorded as thread ${was.thread} ${was.op} (${list(was.fp)})`);
}

export interface PathOptions {
  bound: number | null;
  /** false: plain enumeration (every allowed thread is a todo, no sleep sets): the reference DPOR is tested against. */
  reduce: boolean;
  /** Sleep sets on. */
  sleep: boolean;
  /**
   * The threads to run at the first nodes, when they do not exist yet (the
   * first execution of a unit, units.ts): created as usual, then forced.
   */
  forced?: readonly number[];
  /** The root's explored siblings (the units before this one), asleep after its first step. */
  rootTaken?: ReadonlyMap<number, Footprint>;
  /** Stop after this many steps (probes): the scheduler abandons at the next decision. */
  stopAfter?: number;
  /** Rebuild each prefix step's footprint and throw Nondeterminism if it differs from the recorded event (tests). */
  verifyPrefix?: boolean;
}

/** The sleep set of every node when sleep sets are off (never changed: a node's sleep set is read only). */
const NO_SLEEP: ReadonlyMap<number, Footprint> = new Map();

/**
 * The one footprint builder of this thread's executions: cleared before each
 * use, and one execution runs at a time (a builder's typed arrays cost more
 * to make than a short execution's footprints).
 */
const FPB = new FootprintBuilder();

export class PathScheduler implements Scheduler, StepHooks {
  readonly name = "dpor";
  private k = 0;
  private readonly fpb = FPB;
  private ctx: StepContext | null = null;
  private nextSleep: ReadonlyMap<number, Footprint> = NO_SLEEP;
  /**
   * verifyPrefix: the first replayed step whose event differed. Kept, not thrown where found: the
   * run loop takes what a step hook throws for the run's failure (a verdict); pick() and the
   * explorer (runPath, after the run) throw it instead.
   */
  diverged: Nondeterminism | null = null;

  /**
   * `nodes[0..branch]` exist and `nodes[branch].chosen` is set; events[0..branch-1]
   * are the prefix's steps. New nodes and events are appended as the run goes.
   */
  constructor(private readonly exec: Execution, readonly nodes: Node[], readonly events: Event[], private readonly branch: number, private readonly o: PathOptions) {
    exec.machine.mem.log = null;
  }

  get machine(): Machine {
    return this.exec.machine;
  }

  pick(d: Decision): Thread {
    if (this.diverged !== null) throw this.diverged;
    const k = this.k;
    if (this.o.stopAfter !== undefined && k >= this.o.stopAfter) throw new Abandoned("probe done");
    let n = this.nodes[k];
    if (n !== undefined && k <= this.branch) {
      // A replayed node: the runnable threads are those recorded (compared without a copy).
      const rec = n.runnable;
      let same = rec.length === d.runnable.length;
      for (let i = 0; same && i < rec.length; i++) same = rec[i] === d.runnable[i]!.id;
      if (!same) throw new Nondeterminism(`step ${k + 1}: runnable threads ${d.runnable.map((t) => t.id).join(",")} differ from the recorded ${rec.join(",")}`);
    } else {
      n = this.newNode(k, d.runnable.map((t) => t.id));
    }
    const t = d.runnable.find((x) => x.id === n!.chosen);
    if (t === undefined) throw new Nondeterminism(`step ${k + 1}: thread ${n.chosen} is not runnable`);
    return t;
  }

  private newNode(k: number, runnable: number[]): Node {
    const forced = this.o.forced?.[k];
    const prev = this.nodes[k - 1];
    const prior = k === 0 ? -1 : this.events[k - 1]!.thread;
    const pre = prev === undefined ? 0 : preemptionsAfter(prev, prev.chosen);
    const n = makeNode(runnable, prior, this.machine.threads.length, pre, this.o.bound, this.o.sleep ? this.nextSleep : NO_SLEEP);
    if (this.o.reduce) n.blocked = this.blockedEvents(runnable);
    if (forced !== undefined) {
      // A unit's prefix: its other choices are other units (units.ts).
      if (!n.inBound.includes(forced)) throw new Nondeterminism(`step ${k + 1}: the unit's thread ${forced} cannot run here within the bound`);
      n.chosen = forced;
      if (k === 0 && this.o.rootTaken) for (const [q, f] of this.o.rootTaken) n.taken.set(q, f);
    } else {
      if (n.priorRunnable) {
        if (n.sleep.has(n.preferred)) this.abandon(n);
        n.chosen = n.preferred;
      } else {
        const awake = runnable.filter((t) => !n.sleep.has(t));
        if (awake.length === 0) this.abandon(n);
        n.chosen = awake[0]!;
      }
      if (!this.o.reduce) for (const t of n.inBound) if (t !== n.chosen) n.todo.set(t, false);
    }
    n.done.add(n.chosen);
    this.nodes.push(n);
    return n;
  }

  /**
   * Every choice at n is asleep: the execution is redundant. n stays on the
   * path (it chooses nothing) so that the race analysis still sees the steps
   * blocked there (races.ts, "blocked steps").
   */
  private abandon(n: Node): never {
    this.nodes.push(n);
    throw new Abandoned();
  }

  /**
   * The pending steps of the threads that are not done and cannot run, as
   * events: what the machine reads to find each disabled (a wait's word, via
   * Machine.runnable with the memory's log attached) and the engine state it
   * waits on (engineResources).
   */
  private blockedEvents(runnable: readonly number[]): Event[] {
    const m = this.machine;
    const out: Event[] = [];
    for (const t of m.threads) {
      const s = t.pending;
      if (t.done || s === null || runnable.includes(t.id)) continue;
      this.fpb.clear();
      m.mem.log = this.fpb;
      try {
        m.runnable(t);
      } finally {
        m.mem.log = null;
      }
      engineResources(m, { step: s, thread: t, opBefore: t.opIndex }, this.fpb);
      out.push({ thread: t.id, fp: this.fpb.build(), op: s.op, lock: s.op === "spin_lock" ? s.addr : -1 });
    }
    return out;
  }

  /** Is step k a replayed prefix step whose recorded event stands (not rebuilt)? */
  private recorded(k: number): boolean {
    return k < this.branch && this.o.verifyPrefix !== true;
  }

  before(t: Thread): void {
    if (this.recorded(this.k)) return;
    this.ctx = { step: t.pending as Step, thread: t, opBefore: t.opIndex };
    this.fpb.clear();
    this.machine.mem.log = this.fpb;
  }

  after(t: Thread): void {
    const k = this.k;
    if (this.recorded(k)) {
      this.k++;
      return;
    }
    const m = this.machine;
    m.mem.log = null;
    const c = this.ctx!;
    this.ctx = null;
    engineResources(m, c, this.fpb);
    this.exec.extraFootprint?.(c, this.fpb);
    const fp = this.fpb.build();
    const op = c.step.op;
    const e: Event = { thread: t.id, fp, op, lock: op === "spin_lock" || op === "spin_unlock" ? c.step.addr : -1 };
    if (k < this.branch) this.diverged ??= eventDiverged(k, this.events[k]!, e);
    this.events[k] = e;
    if (k >= this.branch && this.o.sleep) this.nextSleep = this.sleepAfter(k, t.id, fp);
    this.k++;
  }

  /** The sleep set of node k + 1, a new node: node k's (and, at the branch, its explored siblings'), less whatever the step woke. */
  private sleepAfter(k: number, t: number, fp: Footprint): Map<number, Footprint> {
    const n = this.nodes[k]!;
    const out = new Map<number, Footprint>();
    const keep = (q: number, f: Footprint) => {
      if (q !== t && !dependent(f, fp)) out.set(q, f);
    };
    for (const [q, f] of n.sleep) keep(q, f);
    if (k === this.branch || k < (this.o.forced?.length ?? 0)) for (const [q, f] of n.taken) keep(q, f);
    return out;
  }

  /** Detach from the memory (a step that threw never ran `after`). */
  close(): void {
    this.machine.mem.log = null;
  }
}
