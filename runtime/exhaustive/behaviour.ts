/**
 * Behaviour classes, what a reduction is checked against (DESIGN-NOTES §7,
 * "check the reduction against brute force, by behaviour"): an execution's
 * class is, for each thread, the sequence of its steps as (label, result),
 * the result being the value a load, wait or read-modify-write returned, an
 * allocation's address, or 0. A thread's code is deterministic given what
 * it read, so two executions in one Mazurkiewicz trace have one class; a
 * reduction that reaches a representative of every trace reaches every
 * class that plain enumeration reaches. Equal sets of final states prove
 * much less: a correct design often has one final state.
 */
import type { Machine, Observer } from "../machine";
import type { Step } from "../step";
import type { Thread } from "../thread";

/** Records the class of one execution from the moment it is attached (after the set-up). */
export class BehaviourRecorder implements Observer {
  private readonly perThread: string[][];

  constructor(threads: number) {
    this.perThread = Array.from({ length: threads }, () => []);
  }

  /** First among the observers, so that a step a checker then fails on is recorded too. */
  static attach(m: Machine): BehaviourRecorder {
    const r = new BehaviourRecorder(m.threads.length);
    m.observers.unshift(r);
    return r;
  }

  afterStep(_m: Machine, t: Thread, s: Step, result: number): void {
    // A store-buffer commit is not a step of the thread's code (x86-TSO); it shows in what others read.
    if (s.fn === "store buffer") return;
    this.perThread[t.id]?.push(`${s.label} -> ${result}`);
  }

  opStart(): void {}

  opEnd(): void {}

  /** The class, one line per thread: `T<i>: label -> value | label -> value ...`. */
  key(): string {
    return this.perThread.map((steps, i) => `T${i}: ${steps.join(" | ")}`).join("\n");
  }
}
