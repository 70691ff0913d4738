/**
 * DIRTY-LOG (spec §2.8, §3 S4): in a dirty-logged slot, a writable spte whose
 * dirty tracking is by write protection (no PML, or A/D disabled or
 * WRPROT_ONLY: spte_ad_need_write_protect) maps a page
 * whose bitmap word is set, unless an operation that will set it (the fast
 * page fault's mark_page_dirty_in_slot after its cmpxchg) or that harvested
 * it and re-protects the page (KVM_GET_DIRTY_LOG) is in progress for that
 * page; and no huge spte is writable (logging is at 4K: a write through a
 * writable huge spte dirties pages no bit or PML entry names).
 * "Dirty-logged" is the active slot's KVM_MEM_LOG_DIRTY_PAGES, once the
 * operation that set it has returned: while enabling runs (the new slot is
 * published, the vCPUs that picked up the old one drain, then the walk
 * write-protects) nothing is promised; when it returns the whole slot is
 * checked, and from then on every write. Clearing the flag ends the promise
 * at the store that publishes the new slot.
 * WRITE-TRACK: when kvm_vcpu_write_protect_gfn returns, no spte of the
 * gfn is writable or MMU-writable.
 */
import { decodeSpte } from "../../../model/lockless/encoding";
import type { LocklessOp } from "../../../model/lockless/operations";
import { pagesAt } from "../../../model/lockless/geometry";
import type { Spte } from "../../../model/lockless/state";
import { WORD_BYTES } from "../../../runtime/memory";
import type { Thread } from "../../../runtime/thread";
import { Violation } from "../../violation";
import type { LocklessWorld } from "../world";
import { activeSlot, dirtyWordAddr, livePages, siteOf, slotLogsDirty } from "./impl_view";

export class DirtyLogRules {
  /** Operations in progress that excuse an unlogged writable spte of their page. */
  private readonly excusing = new Map<Thread, number>();
  /** Operations enabling dirty logging that have not returned. */
  private readonly enabling = new Set<Thread>();

  constructor(private readonly w: LocklessWorld, private readonly count: () => void) {}

  /** Is the slot dirty-logged, with no enabling in progress (the promise holds)? */
  private promised(): boolean {
    return this.enabling.size === 0 && slotLogsDirty(this.w.kvm, activeSlot(this.w.kvm));
  }

  private trackedByW(v: Spte): boolean {
    return !this.w.geo.pml || !v.ad || v.wrprotOnly;
  }

  private logged(gfn: number): boolean {
    const a = dirtyWordAddr(this.w.kvm, gfn);
    if (a && this.w.kvm.mem.peek(a) !== 0) return true;
    for (const g of this.excusing.values()) if (g === gfn) return true;
    return false;
  }

  opStart(t: Thread, op: LocklessOp): void {
    if (op.kind === "get_dirty_log" || op.kind === "fast_page_fault") this.excusing.set(t, op.gfn);
    if (op.kind === "log_dirty_pages" && op.enable && !slotLogsDirty(this.w.kvm, activeSlot(this.w.kvm))) this.enabling.add(t);
  }

  opEnd(t: Thread, op: LocklessOp): void {
    const excused = this.excusing.get(t);
    this.excusing.delete(t);
    if (excused !== undefined) this.checkGfn(excused, `when ${t.name}'s ${op.kind} returns`);
    if (op.kind === "write_protect_gfn") this.checkWriteTracked(t, op.gfn);
    if (this.enabling.delete(t)) this.checkSlot(`when ${t.name}'s kvm_set_memory_region (enabling dirty logging) returns`);
  }

  /** After a write made a spte of gfn take the value `now`. */
  onSpteWrite(gfn: number, now: number): void {
    const v = decodeSpte(now);
    if (!v || !v.w || !this.promised()) return;
    this.count();
    if (v.large) throw new Violation("DIRTY-LOG", `the huge spte of gfn 0x${gfn.toString(16)} is made writable in a dirty-logged slot`);
    if (!this.trackedByW(v)) return;
    if (!this.logged(gfn)) throw new Violation("DIRTY-LOG", `gfn 0x${gfn.toString(16)} has a writable spte but its dirty-bitmap bit is clear and no harvest or fast page fault of it is in progress`);
  }

  /** Every spte of the slot, when enabling dirty logging returns. */
  private checkSlot(when: string): void {
    if (!this.promised()) return;
    const kvm = this.w.kvm;
    for (const p of livePages(kvm)) {
      for (let i = 0; i < kvm.cfg.sptesPerPage; i++) {
        const v = decodeSpte(kvm.mem.peek(p.spt + i * WORD_BYTES));
        if (!v || !v.w) continue;
        this.count();
        const gfn = siteOf(kvm, p, i).gfn;
        if (v.large) throw new Violation("DIRTY-LOG", `${when}, the huge spte ${p.id}:${i} of gfn 0x${gfn.toString(16)} is still writable`);
        if (this.trackedByW(v) && !this.logged(gfn)) throw new Violation("DIRTY-LOG", `${when}, spte ${p.id}:${i} of gfn 0x${gfn.toString(16)} is writable and the page is not logged dirty`);
      }
    }
  }

  private sptesOf(gfn: number): Array<{ v: Spte; where: string }> {
    const out: Array<{ v: Spte; where: string }> = [];
    const kvm = this.w.kvm;
    for (const p of livePages(kvm)) {
      for (let i = 0; i < kvm.cfg.sptesPerPage; i++) {
        const site = siteOf(kvm, p, i);
        const v = decodeSpte(kvm.mem.peek(p.spt + i * WORD_BYTES));
        if (v && gfn >= site.gfn && gfn < site.gfn + pagesAt(this.w.geo, site.level)) out.push({ v, where: `spte ${p.id}:${i}` });
      }
    }
    return out;
  }

  private checkGfn(gfn: number, when: string): void {
    for (const { v, where } of this.sptesOf(gfn)) {
      this.count();
      if (v.w && this.promised() && this.trackedByW(v) && !this.logged(gfn)) throw new Violation("DIRTY-LOG", `${when}, ${where} of gfn 0x${gfn.toString(16)} is writable and the page is not logged dirty`);
    }
  }

  private checkWriteTracked(t: Thread, gfn: number): void {
    for (const { v, where } of this.sptesOf(gfn)) {
      this.count();
      if (v.w || v.mmuWritable) throw new Violation("WRITE-TRACK", `when ${t.name}'s kvm_vcpu_write_protect_gfn(0x${gfn.toString(16)}) returns, ${where} is still ${v.w ? "writable" : "MMU-writable"}`);
    }
  }
}
