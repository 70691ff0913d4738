/**
 * Every write of a spte, judged at the step it reaches memory:
 *
 *   LOST-UPDATE  an mmu_lock holder's plain store undoes a change another
 *                thread made since the holder read the spte (a bit that changed
 *                since the read changes again; spec §3 S6); the Accessed bit
 *                of an A/D-enabled spte is exempt (spec §2.8)
 *   then model/lockless/spte_rules.ts: NO-RESURRECT, AT-ROUNDTRIP,
 *                NO-LOST-DIRTY, SPTE-STEP for the operation that wrote it
 *
 * Under x86-TSO a store is judged when the store buffer drains, against the
 * operation that issued it (kept in a queue per thread beside the buffer).
 * In observe mode (the K7 study) a LOST-UPDATE is recorded instead of thrown,
 * and the write is then judged from the value the holder read.
 */
import { decodeSpte, SPTE } from "../../../model/lockless/encoding";
import type { LocklessOp } from "../../../model/lockless/operations";
import { pagesAt } from "../../../model/lockless/geometry";
import { judgeSpteWrite, type SpteSite } from "../../../model/lockless/spte_rules";
import { initialState, type ModelState, type Spte } from "../../../model/lockless/state";
import type { Thread } from "../../../runtime/thread";
import { type Finding, Violation } from "../../violation";
import type { LocklessWorld } from "../world";
import { activeSlot, hugeSptesOver, siteOf, slotLogsDirty, spteAt } from "./impl_view";

const hx = (n: number): string => `0x${n.toString(16)}`;

/** A LOST-UPDATE seen in observe mode: the spte, what the holder read, what it overwrote, what it stored. */
export interface LostUpdate {
  readonly addr: number;
  readonly read: number;
  readonly old: number;
  readonly now: number;
}
export type LostUpdateObserver = (f: Finding, lost: LostUpdate) => void;

/**
 * The bits a store of `now` over `old` undoes of what other threads changed
 * since the holder read `read`, less the Accessed bit of an A/D-enabled spte
 * (lossy by design, spec §2.8).
 */
function undone(read: number, old: number, now: number): number {
  const bits = (read ^ old) & (old ^ now);
  return old & SPTE.AD_DISABLED ? bits : bits & ~SPTE.A;
}

export class SpteWrites {
  /** The value each thread last read from each spte. */
  private readonly loaded = new Map<Thread, Map<number, number>>();
  /** The slot each vCPU operation picked up (fault->slot: its load of kvm->memslots). */
  private readonly picked = new Map<Thread, number>();
  private readonly view: ModelState;
  /**
   * The huge sptes each thread's eager page splitting (log_dirty_pages
   * enabling) has cleared in its running operation, with the value each held
   * when it left: a child may be made from that final value (a split that
   * drops the huge spte before it fills the children, the design
   * split-after-drop) as well as from a huge spte still present over it.
   */
  private readonly splitDrops = new Map<Thread, Array<SpteSite & { readonly spte: Spte }>>();

  constructor(private readonly w: LocklessWorld, private readonly count: () => void, private readonly observe: LostUpdateObserver | null) {
    this.view = initialState(w.geo, w.slot);
  }

  /** t's operation starts: it has picked up no slot yet. */
  opStart(t: Thread): void {
    this.picked.delete(t);
    this.splitDrops.delete(t);
  }

  /** t's vCPU operation read kvm->memslots: its decisions follow that slot's flags. */
  onSlotPicked(t: Thread, slot: number): void {
    this.picked.set(t, slot);
  }

  /**
   * The model state t's write is judged in: the slot's KVM_MEM_LOG_DIRTY_PAGES
   * is the one of the slot t picked up, else the active slot's.
   */
  private viewFor(t: Thread): ModelState {
    const logDirty = slotLogsDirty(this.w.kvm, this.picked.get(t) ?? activeSlot(this.w.kvm));
    return logDirty === this.view.logDirty ? this.view : { ...this.view, logDirty };
  }

  onLoad(t: Thread, addr: number, value: number): void {
    if (!this.loaded.has(t)) this.loaded.set(t, new Map());
    this.loaded.get(t)!.set(addr, value);
  }

  /**
   * A write of the spte at addr from `old` to `now` by t running `op`;
   * `plainStoreUnderLock`: a plain store by the mmu_lock holder.
   */
  onWrite(t: Thread, op: LocklessOp, addr: number, old: number, now: number, plainStoreUnderLock: boolean): void {
    this.count();
    let before = old;
    const read = this.loaded.get(t)?.get(addr);
    if (plainStoreUnderLock && read !== undefined && undone(read, old, now) !== 0) {
      const f: Finding = { invariant: "LOST-UPDATE", detail: `${t.name}'s plain store of ${hx(now)} overwrites ${hx(old)}; it read ${hx(read)}, another thread changed it since` };
      if (this.observe === null) throw Violation.of(f);
      this.observe(f, { addr, read, old, now });
      before = read;
    }
    this.loaded.get(t)?.set(addr, now);
    if (old === now && before === old) return;
    const at = spteAt(this.w.kvm, addr);
    if (at === undefined) return; // the engine reports a write to freed memory itself
    const site = siteOf(this.w.kvm, at.page, at.index);
    const b = decodeSpte(before);
    const a = decodeSpte(now);
    const splitting = op.kind === "log_dirty_pages" && op.enable;
    const sources = b === null && splitting ? [...hugeSptesOver(this.w.kvm, site), ...this.droppedOver(t, site)] : [];
    const j = judgeSpteWrite(this.viewFor(t), op, site, b, a, sources);
    if (j !== null) throw new Violation(j.invariant, `${t.name}: spte ${at.page.id}:${at.index} (gfn ${hx(site.gfn)}, level ${site.level}) ${hx(before)} -> ${hx(now)}: ${j.detail}`);
    if (splitting && b?.large && a === null) {
      const drops = this.splitDrops.get(t);
      if (drops === undefined) this.splitDrops.set(t, [{ ...site, spte: b }]);
      else drops.push({ ...site, spte: b });
    }
  }

  /** The huge sptes t's running split cleared one level above `site`, in its quadrant, whose region holds its gfn (as hugeSptesOver). */
  private droppedOver(t: Thread, site: SpteSite): Array<SpteSite & { readonly spte: Spte }> {
    const span = pagesAt(this.w.geo, site.level + 1);
    return (this.splitDrops.get(t) ?? []).filter((d) => d.level === site.level + 1 && d.quadrant === site.quadrant && site.gfn >= d.gfn && site.gfn < d.gfn + span);
  }
}
