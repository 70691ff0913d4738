/**
 * The cost counters of one measured operation (a DELETE, or
 * kvm_arch_flush_shadow_all), read off the engine's steps in simulated time
 * (sim_clock.ts): an Observer that knows nothing of the design it measures.
 *
 *   latency        ticks from the operation's first step to its end
 *   holds          each continuous mmu_lock hold of the measuring thread
 *                  inside the operation (spin_lock step to spin_unlock step)
 *   waits          every other thread's wait for mmu_lock (from issuing its
 *                  spin_lock to taking the lock) that began while the
 *                  operation ran, by the thread's role
 *   rmap heads / descs touched   distinct head words and descs the
 *                  operation's steps accessed
 *   unlocked steps the operation's steps taken without mmu_lock
 */
import type { Kvm } from "../../impl/kvm";
import type { Machine, Observer } from "../../runtime/machine";
import type { Step } from "../../runtime/step";
import type { Thread } from "../../runtime/thread";
import type { SimClock } from "./sim_clock";

export interface WaitStats {
  count: number;
  max: number;
  mean: number;
}

export interface OpCost {
  finished: boolean;
  latency: number;
  steps: number;
  longestHold: number;
  totalHold: number;
  holds: number;
  unlockedSteps: number;
  rmapHeadsTouched: number;
  descsTouched: number;
  waits: Record<string, WaitStats>;
}

export class CostCounters implements Observer {
  private start: number | null = null;
  private end: number | null = null;
  private steps = 0;
  private holdStart: number | null = null;
  private readonly holdLengths: number[] = [];
  private unlocked = 0;
  private readonly heads = new Set<number>();
  private readonly descs = new Set<number>();
  private readonly waits = new Map<string, number[]>();
  /** When the measured thread's last spin_lock step started. */
  private lockStepStart = 0;

  /** `measured`: the thread whose operation is measured; `role`: each other thread's role, for the waits. */
  constructor(private readonly kvm: Kvm, private readonly clock: SimClock, private readonly measured: Thread, private readonly role: (t: Thread) => string) {}

  private get running(): boolean {
    return this.start !== null && this.end === null;
  }

  get done(): boolean {
    return this.end !== null;
  }

  opStart(m: Machine, t: Thread): void {
    if (t === this.measured && this.start === null) this.start = this.clock.now(t);
  }

  opEnd(m: Machine, t: Thread): void {
    if (t === this.measured && this.running) this.end = this.clock.now(t);
  }

  beforeStep(m: Machine, t: Thread, s: Step): void {
    if (!this.running) return;
    if (t !== this.measured) {
      if (s.op === "spin_lock" && this.clock.issuedAt(t) >= this.start!) this.wait(this.role(t), this.clock.now(t) - this.clock.issuedAt(t));
      return;
    }
    this.steps++;
    if (s.op === "spin_lock") this.lockStepStart = this.clock.now(t); // the hold starts with the step that takes the lock
    if (m.holder() !== t) this.unlocked++;
    if (s.kind === "rmap") this.heads.add(s.addr);
    else if (s.kind === "pte_list_desc" && s.op !== "alloc") this.descs.add(this.kvm.mem.objectAt(s.addr)?.base ?? s.addr);
  }

  afterStep(m: Machine, t: Thread, s: Step): void {
    if (t !== this.measured || !this.running) return;
    if (s.op === "spin_lock") this.holdStart = this.lockStepStart;
    else if (s.op === "spin_unlock" && this.holdStart !== null) {
      this.holdLengths.push(this.clock.now(t) - this.holdStart);
      this.holdStart = null;
    }
  }

  private wait(role: string, ticks: number): void {
    let w = this.waits.get(role);
    if (w === undefined) this.waits.set(role, (w = []));
    w.push(ticks);
  }

  /** The counters; an operation still running (a livelock) is reported up to now. */
  result(): OpCost {
    const end = this.end ?? this.clock.now(this.measured);
    const waits: Record<string, WaitStats> = {};
    for (const [role, w] of [...this.waits].sort((a, b) => a[0].localeCompare(b[0]))) {
      waits[role] = { count: w.length, max: w.reduce((a, b) => Math.max(a, b), 0), mean: w.reduce((a, b) => a + b, 0) / w.length };
    }
    return {
      finished: this.end !== null,
      latency: end - (this.start ?? 0),
      steps: this.steps,
      longestHold: this.holdLengths.reduce((a, b) => Math.max(a, b), 0),
      totalHold: this.holdLengths.reduce((a, b) => a + b, 0),
      holds: this.holdLengths.length,
      unlockedSteps: this.unlocked,
      rmapHeadsTouched: this.heads.size,
      descsTouched: this.descs.size,
      waits,
    };
  }
}
