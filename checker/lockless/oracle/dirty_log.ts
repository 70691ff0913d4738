/**
 * DIRTY-LOG (spec §2.8, §3 S4): in a dirty-logged slot, a writable spte whose
 * dirty tracking is by write protection (no PML, or A/D disabled or
 * WRPROT_ONLY: spte_ad_need_write_protect) maps a page
 * whose bitmap word is set, unless an operation that will set it (the fast
 * page fault's mark_page_dirty_in_slot after its cmpxchg) or that harvested
 * it and re-protects the page (KVM_GET_DIRTY_LOG) is in progress for that
 * page. WRITE-TRACK: when kvm_vcpu_write_protect_gfn returns, no spte of the
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
import { dirtyWordAddr, livePages, siteOf } from "./impl_view";

export class DirtyLogRules {
  /** Operations in progress that excuse an unlogged writable spte of their page. */
  private readonly excusing = new Map<Thread, number>();

  constructor(private readonly w: LocklessWorld, private readonly count: () => void) {}

  private trackedByW(v: Spte): boolean {
    return this.w.geo.dirtyLogging && (!this.w.geo.pml || !v.ad || v.wrprotOnly);
  }

  private logged(gfn: number): boolean {
    const a = dirtyWordAddr(this.w.kvm, gfn);
    if (a && this.w.kvm.mem.peek(a) !== 0) return true;
    for (const g of this.excusing.values()) if (g === gfn) return true;
    return false;
  }

  opStart(t: Thread, op: LocklessOp): void {
    if (op.kind === "get_dirty_log" || op.kind === "fast_page_fault") this.excusing.set(t, op.gfn);
  }

  opEnd(t: Thread, op: LocklessOp): void {
    const excused = this.excusing.get(t);
    this.excusing.delete(t);
    if (excused !== undefined) this.checkGfn(excused, `when ${t.name}'s ${op.kind} returns`);
    if (op.kind === "write_protect_gfn") this.checkWriteTracked(t, op.gfn);
  }

  /** After a write made a spte of gfn (level 1: a dirty-logged slot maps 4K only) take the value `now`. */
  onSpteWrite(gfn: number, now: number): void {
    const v = decodeSpte(now);
    if (!v || !v.w || !this.trackedByW(v)) return;
    this.count();
    if (!this.logged(gfn)) throw new Violation("DIRTY-LOG", `gfn 0x${gfn.toString(16)} has a writable spte but its dirty-bitmap bit is clear and no harvest or fast page fault of it is in progress`);
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
      if (v.w && this.trackedByW(v) && !this.logged(gfn)) throw new Violation("DIRTY-LOG", `${when}, ${where} of gfn 0x${gfn.toString(16)} is writable and the page is not logged dirty`);
    }
  }

  private checkWriteTracked(t: Thread, gfn: number): void {
    for (const { v, where } of this.sptesOf(gfn)) {
      this.count();
      if (v.w || v.mmuWritable) throw new Violation("WRITE-TRACK", `when ${t.name}'s kvm_vcpu_write_protect_gfn(0x${gfn.toString(16)}) returns, ${where} is still ${v.w ? "writable" : "MMU-writable"}`);
    }
  }
}
