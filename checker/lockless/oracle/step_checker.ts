/**
 * The lockless subject's checker, an observer of every step
 * (docs/invariants.md, "The lockless subject"). After every atomic step it
 * checks what the step can affect, over what it touched:
 *   - a head word or a desc, a desc freed, a lockdep assert: lock_rules.ts;
 *   - a spte written: spte_writes.ts (LOST-UPDATE, the model's spte rules),
 *     dirty_log.ts (DIRTY-LOG), aging_calls.ts (what aging calls saw),
 *     invalidation.ts (INVALIDATE-MAP: no fault maps into an invalidation's window);
 *   - an invalidation's first acquisition of mmu_lock, and its end: unmap_calls.ts
 *     (UNMAP-RANGE: what it found mapped in its range is gone when it returns);
 *   - mmu_lock released: quiescence.ts checkComplete (RMAP-COMPLETE, DESC-SHAPE);
 *   - an operation's end: aging results and coverage, pte_list_add's count,
 *     the dirty log and write tracking;
 *   - a WARN: the invariant its site stands for.
 * Full mode (`full`) adds checkComplete after every step while mmu_lock is free.
 */
import type { LocklessOp } from "../../../model/lockless/operations";
import type { Machine } from "../../../runtime/machine";
import { type Step, writesWord } from "../../../runtime/step";
import type { Operation, Thread } from "../../../runtime/thread";
import type { RunChecker } from "../../subject";
import { Violation } from "../../violation";
import { KIND } from "../../../impl/lockless/kvm";
import type { LocklessWorld } from "../world";
import { AgingCalls } from "./aging_calls";
import { InvalidationWindows } from "./invalidation";
import { UnmapCalls } from "./unmap_calls";
import { decodeSpte, decodeTdpWord } from "../../../model/lockless/encoding";
import { DirtyLogRules } from "./dirty_log";
import { siteOf, spteAt } from "./impl_view";
import { RmapLockRules } from "./lock_rules";
import { checkComplete, checkQuiescence } from "./quiescence";
import { type LostUpdateObserver, SpteWrites } from "./spte_writes";

export interface LocklessOperation extends Operation<number> {
  readonly desc: LocklessOp;
}

export interface LocklessCheckerOptions {
  full?: boolean;
  /** The sequential driver checks the whole state after every command: skip it at each mmu_lock release. */
  sequential?: boolean;
  /** Record LOST-UPDATE findings here instead of stopping the run (the K7 study). */
  observe?: LostUpdateObserver;
}

export class LocklessStepChecker implements RunChecker {
  checks = 0;
  private readonly count = (): void => {
    this.checks++;
  };
  readonly locks: RmapLockRules;
  private readonly sptes: SpteWrites;
  private readonly dirty: DirtyLogRules;
  private readonly aging: AgingCalls;
  private readonly inval: InvalidationWindows;
  private readonly unmaps: UnmapCalls;
  /** Per thread, the operation of each store still in its x86-TSO store buffer. */
  private readonly issued = new Map<Thread, LocklessOp[]>();
  /** Each page fault's rmap size when its pte_list_add locked (PTE-LIST-COUNT). */
  private readonly addSize = new Map<Thread, number>();

  constructor(private readonly w: LocklessWorld, private readonly opts: LocklessCheckerOptions = {}) {
    this.locks = new RmapLockRules(w, this.count);
    this.sptes = new SpteWrites(w, this.count, opts.observe ?? null);
    this.dirty = new DirtyLogRules(w, this.count);
    this.aging = new AgingCalls(w, this.count);
    this.inval = new InvalidationWindows(w, this.count);
    this.unmaps = new UnmapCalls(w, this.count);
    this.locks.onWriterOpen = (t, size) => {
      if (this.opOf(t)?.kind === "page_fault" && !this.addSize.has(t)) this.addSize.set(t, size);
    };
  }

  private opOf(t: Thread): LocklessOp | undefined {
    return (t.currentOp as LocklessOperation | undefined)?.desc;
  }

  opStart(m: Machine, t: Thread, op: Operation): void {
    const desc = (op as LocklessOperation).desc;
    this.locks.opStart(t);
    this.sptes.opStart(t);
    this.addSize.delete(t);
    this.dirty.opStart(t, desc);
    this.aging.opStart(t, desc);
    this.unmaps.opStart(t, desc);
  }

  opEnd(m: Machine, t: Thread, op: Operation, result: unknown): void {
    const desc = (op as LocklessOperation).desc;
    this.count();
    this.aging.opEnd(t, desc, result);
    this.inval.opEnd(t);
    this.unmaps.opEnd(t, desc);
    this.dirty.opEnd(t, desc);
    const size = this.addSize.get(t);
    if (desc.kind === "page_fault" && typeof result === "number" && result >= 0 && size !== undefined && result !== size) {
      throw new Violation("PTE-LIST-COUNT", `${t.name}: pte_list_add returned ${result}, the rmap held ${size} entries when it locked it`);
    }
  }

  /** Did t's last step read the aging calls' count of running zaps (AgingCalls.decidedGate)? */
  readsAgingGate(t: Thread): boolean {
    return this.aging.decidedGate(t);
  }

  /** Did t's last step take its invalidation's UNMAP-RANGE snapshot (UnmapCalls.tookSnapshot)? */
  tookUnmapSnapshot(t: Thread): boolean {
    return this.unmaps.tookSnapshot(t);
  }

  afterStep(m: Machine, t: Thread, s: Step, result: number, old: number): void {
    this.count();
    this.aging.onStep(t);
    this.unmaps.afterStep(m, t);
    const obj = s.addr === 0 ? undefined : m.mem.objectAt(s.addr);
    switch (s.op) {
      case "ghost":
        this.locks.onGhost(m, t, s);
        break;
      case "warn":
        this.onWarn(m, t, s);
        break;
      case "spin_unlock":
        this.inval.onUnlock(t, this.opOf(t));
        if (!this.opts.sequential) checkComplete(this.w, `when ${t.name} releases mmu_lock`, this.count);
        break;
      case "free":
        if (obj?.kind === KIND.desc) this.locks.onDescFree(t, s.addr);
        break;
      case "load":
      case "wait_clear":
        this.onRead(m, t, s, obj?.kind, result);
        break;
      default:
        if (writesWord(s.op)) this.onWriteStep(m, t, s, obj?.kind, result, old);
    }
    if (this.opts.full && m.holder() === null) checkComplete(this.w, "after this step (full mode)", this.count);
  }

  private onRead(m: Machine, t: Thread, s: Step, kind: string | undefined, result: number): void {
    if (kind === KIND.rmapHead) {
      this.aging.onHeadRead(t, s.addr);
      this.locks.onHeadLoad(m, t, s, s.addr, result);
    } else if (kind === KIND.spt) {
      this.sptes.onLoad(t, s.addr, result);
      this.aging.onSpteRead(t, s.addr, result);
    } else if (kind === KIND.memslots) {
      this.sptes.onSlotPicked(t, result);
      this.aging.onSlotPicked(t, result);
    }
  }

  private onWriteStep(m: Machine, t: Thread, s: Step, kind: string | undefined, result: number, old: number): void {
    const draining = s.fn === "store buffer";
    if (Number.isNaN(old)) {
      // x86-TSO: the store issues into the buffer; memory changes when it drains.
      if (!this.issued.has(t)) this.issued.set(t, []);
      this.issued.get(t)!.push(this.opOf(t)!);
      if (kind === KIND.rmapHead) this.locks.onHeadStoreIssued(m, t, s.addr);
      return;
    }
    const op = draining ? this.issued.get(t)!.shift()! : this.opOf(t)!;
    const now = m.mem.peek(s.addr);
    if (kind === KIND.rmapHead) {
      if (!draining && s.op === "store") this.locks.onHeadStoreIssued(m, t, s.addr);
      if (s.op === "cmpxchg") {
        if (result === s.cmp) this.locks.onHeadCmpxchg(m, t, s, s.addr);
        else this.aging.onHeadRead(t, s.addr);
      } else this.locks.onHeadWrite(m, t, s.addr, old, now);
    } else if (kind === KIND.desc) {
      if (old !== now) this.locks.onDescWrite(t, s.addr);
    } else if (kind === KIND.spt) {
      if (s.op !== "store") this.sptes.onLoad(t, s.addr, old);
      this.sptes.onWrite(t, op, s.addr, old, now, s.op === "store" && m.holder() === t);
      if (old === now) return;
      if (!decodeSpte(old) && decodeSpte(now)) {
        this.inval.onInstall(t, op);
        this.unmaps.onInstall(t, s.addr);
      }
      this.aging.onSpteWrite(t, s.addr, now);
      const at = spteAt(this.w.kvm, s.addr);
      if (at) this.dirty.onSpteWrite(siteOf(this.w.kvm, at.page, at.index).gfn, now);
    } else if (kind === KIND.tdpSpte && old !== now) {
      this.aging.onTdpWrite(t, s.addr, now);
      if (decodeTdpWord(old) === undefined && decodeTdpWord(now) !== undefined) {
        this.inval.onInstall(t, op);
        this.unmaps.onInstall(t, s.addr);
      }
    }
  }

  private onWarn(m: Machine, t: Thread, s: Step): void {
    if (s.fn === "for_each_rmap_spte" && m.holder() !== t) throw new Violation("LOCKLESS-SKIP", `${t.name} walks an rmap without mmu_lock and WARNs on a non-present spte ("${s.label}")`);
    if (s.fn === "kvm_rmap_unlock_readonly") throw new Violation("RMAP-RO-STABLE", `${t.name}: ${s.label}`);
    if (s.fn === "__kvm_rmap_unlock") throw new Violation("RMAP-LOCK-WORD", `${t.name}: ${s.label}`);
    throw new Violation("KERNEL-WARN", `${t.name}: ${s.label}`);
  }

  atQuiescence(): void {
    checkQuiescence(this.w, this.count);
  }
}
