/**
 * What an aging call (kvm_mmu_notifier_clear_young / clear_flush_young /
 * test_young) may return and must have done, per call (spec §3 A1, A2):
 *
 *   AGE-COVERAGE  unless it returned early (test_young found a young spte), it
 *                 read every head of every rmap its gfn range covers that can
 *                 hold an entry (at level 1 all; at a huge level, those whose
 *                 region lies in the slot). With the TDP MMU the walk may be
 *                 skipped (kvm_may_have_shadow_mmu_sptes) when no rmap of the
 *                 slot held an entry at the call's first step, or a shadow
 *                 page zap ran during the call (it may drop the last nested
 *                 page). A call that finds no slot in kvm->memslots (the
 *                 slot was deleted) walks nothing. (An operation "starts" when its thread's previous one
 *                 ends, or with the run: its first step is where it really starts.)
 *   AGE-RESULT    true when some spte on a covered rmap's list at the call's
 *                 start was present and accessed and no other thread wrote it
 *                 during the call; false when no spte at a covered site was
 *                 present and accessed at any time during the call
 *   AGE-OLD       (clear_young) every accessed spte it read, unwritten by other
 *                 threads since, is old when it returns
 * The TDP MMU stub's words of the range count as sptes for AGE-RESULT.
 */
import { decodeSpte, decodeTdpWord } from "../../../model/lockless/encoding";
import { gfnToIndex, pagesAt } from "../../../model/lockless/geometry";
import type { LocklessOp } from "../../../model/lockless/operations";
import { agingRange } from "../../../model/lockless/spte_rules";
import { isAccessTracked } from "../../../model/lockless/spte_values";
import { initialState, type ModelState } from "../../../model/lockless/state";
import { WORD_BYTES } from "../../../runtime/memory";
import type { Thread } from "../../../runtime/thread";
import { Violation } from "../../violation";
import type { LocklessWorld } from "../world";
import { decodeChain, type HeadRef, livePages, rmapHeads, siteOf, spteAt } from "./impl_view";

interface Call {
  /** Per level, the covered rmap indices [lo, hi]. */
  readonly covered: ReadonlyArray<readonly [number, number]>;
  /** Heads of covered rmaps that can hold an entry (none once the call found no slot). */
  must: HeadRef[];
  readonly examined: Set<number>;
  /** Young, listed sptes at the start, not written by others since. */
  readonly untouched: Set<number>;
  everYoung: boolean;
  /** Accessed sptes the call read, not written by others since. */
  readonly readYoung: Set<number>;
  /** The call's gfn range [start, end), for the TDP MMU's words. */
  readonly gfns: readonly [number, number];
  /** With the TDP MMU: may the rmap walk be skipped (see AGE-COVERAGE)? Set at the call's first step. */
  gateMayClose: boolean | undefined;
  /** The thread's step count (Thread.steps) after the step that set gateMayClose; -1 before. */
  gateStep: number;
}

const young = (v: number): boolean => decodeSpte(v)?.accessed === true;

export class AgingCalls {
  private readonly calls = new Map<Thread, Call>();
  /** Shadow page zaps (zap_sp) running now. */
  private zaps = 0;
  private readonly view: ModelState;

  constructor(private readonly w: LocklessWorld, private readonly count: () => void) {
    this.view = initialState(w.geo, w.slot);
  }

  /** Can the rmap at (level, index) ever hold an entry (its huge region lies in the slot)? */
  private coverable(level: number, index: number): boolean {
    if (level === 1) return true;
    // A slot dirty-logged for the whole run maps 4K only; one whose flags change may hold huge sptes.
    if (this.w.geo.dirtyLogging && this.w.kvm.memslots === 0) return false;
    const { slot, geo } = this.w;
    const start = ((slot.baseGfn >> ((level - 1) * geo.levelShift)) + index) * pagesAt(geo, level);
    return start >= slot.baseGfn && start + pagesAt(geo, level) <= slot.baseGfn + slot.npages;
  }

  private coveredSite(c: Call, gfn: number, level: number): boolean {
    const [lo, hi] = c.covered[level - 1]!;
    const i = gfnToIndex(this.w.geo, gfn, this.w.slot.baseGfn, level);
    return i >= lo && i <= hi;
  }

  private isCovered(c: Call, addr: number): boolean {
    const at = spteAt(this.w.kvm, addr);
    if (!at) return false;
    const site = siteOf(this.w.kvm, at.page, at.index);
    return this.coveredSite(c, site.gfn, site.level);
  }

  /** A TDP MMU stub word's gfn, if it is one of the range. */
  private tdpGfn(addr: number): number | undefined {
    const base = this.w.kvm.tdp_sptes;
    if (base === 0 || addr < base || addr >= base + this.w.slot.npages * WORD_BYTES) return undefined;
    return this.w.slot.baseGfn + (addr - base) / WORD_BYTES;
  }

  opStart(t: Thread, op: LocklessOp): void {
    if (op.kind === "zap_sp") {
      this.zaps++;
      for (const c of this.calls.values()) c.gateMayClose = true;
    }
    if (op.kind !== "clear_young" && op.kind !== "test_young") return;
    const { geo, slot, kvm } = this.w;
    const r = agingRange(this.view, op);
    const covered = Array.from({ length: geo.maxLevel }, (_, l): readonly [number, number] =>
      r === null ? [0, -1] : [gfnToIndex(geo, r.start, slot.baseGfn, l + 1), gfnToIndex(geo, r.end - 1, slot.baseGfn, l + 1)]);
    const heads = rmapHeads(kvm).filter((h) => h.index >= covered[h.level - 1]![0] && h.index <= covered[h.level - 1]![1]);
    const gfns: readonly [number, number] = r === null ? [0, 0] : [r.start, r.end];
    const tdp = kvm.tdp_sptes !== 0;
    const c: Call = {
      covered,
      must: heads.filter((h) => this.coverable(h.level, h.index)),
      examined: new Set(),
      untouched: new Set(),
      everYoung: false,
      readYoung: new Set(),
      gfns,
      gateMayClose: tdp ? undefined : false,
      gateStep: -1,
    };
    for (let g = gfns[0]; tdp && g < gfns[1]; g++) {
      const a = kvm.tdp_sptes + (g - slot.baseGfn) * WORD_BYTES;
      if (decodeTdpWord(kvm.mem.peek(a)) === true) {
        c.untouched.add(a);
        c.everYoung = true;
      }
    }
    for (const h of heads) {
      for (const e of decodeChain(kvm, kvm.mem.peek(h.addr)).entries) if (spteAt(kvm, e) && young(kvm.mem.peek(e))) c.untouched.add(e);
    }
    for (const p of livePages(kvm)) {
      for (let i = 0; i < kvm.cfg.sptesPerPage && !c.everYoung; i++) {
        if (young(kvm.mem.peek(p.spt + i * WORD_BYTES)) && this.coveredSite(c, siteOf(kvm, p, i).gfn, p.level)) c.everYoung = true;
      }
    }
    this.calls.set(t, c);
  }

  /** t read kvm->memslots: a call that found no slot (0: deleted) must read no rmap. */
  onSlotPicked(t: Thread, slot: number): void {
    const c = this.calls.get(t);
    if (c !== undefined && slot === 0) c.must = [];
  }

  onHeadRead(t: Thread, head: number): void {
    this.calls.get(t)?.examined.add(head);
  }

  onSpteRead(t: Thread, addr: number, value: number): void {
    if (young(value)) this.calls.get(t)?.readYoung.add(addr);
  }

  /** Before each step of thread t: at an aging call's first step, whether its rmap walk may be skipped. */
  onStep(t: Thread): void {
    const c = this.calls.get(t);
    if (c === undefined || c.gateMayClose !== undefined) return;
    const kvm = this.w.kvm;
    c.gateMayClose = this.zaps > 0 || !rmapHeads(kvm).some((h) => decodeChain(kvm, kvm.mem.peek(h.addr)).entries.length > 0);
    c.gateStep = t.steps;
  }

  /**
   * Did t's step just now decide its call's gateMayClose? That step read the
   * running zaps, which opStart and opEnd change: the exhaustive mode's
   * footprint declares the read (checker/lockless/exhaustive_resources.ts).
   */
  decidedGate(t: Thread): boolean {
    const c = this.calls.get(t);
    return c !== undefined && c.gateStep === t.steps;
  }

  /** A TDP MMU stub word changed. */
  onTdpWrite(t: Thread, addr: number, now: number): void {
    const g = this.tdpGfn(addr);
    if (g === undefined) return;
    for (const [ct, c] of this.calls) {
      if (decodeTdpWord(now) === true && g >= c.gfns[0] && g < c.gfns[1]) c.everYoung = true;
      if (ct !== t) c.untouched.delete(addr);
    }
  }

  onSpteWrite(t: Thread, addr: number, now: number): void {
    for (const [ct, c] of this.calls) {
      if (!c.everYoung && young(now) && this.isCovered(c, addr)) c.everYoung = true;
      if (ct === t) continue;
      c.untouched.delete(addr);
      c.readYoung.delete(addr);
    }
  }

  opEnd(t: Thread, op: LocklessOp, result: unknown): void {
    if (op.kind === "zap_sp") this.zaps--;
    const c = this.calls.get(t);
    if (c === undefined) return;
    this.calls.delete(t);
    this.count();
    const ret = result === 1;
    if (!(op.kind === "test_young" && ret) && c.gateMayClose !== true) {
      const missed = c.must.find((h) => !c.examined.has(h.addr));
      if (missed) throw new Violation("AGE-COVERAGE", `${t.name}'s aging call never read rmap ${missed.level}:${missed.index}, which its range covers`);
    }
    if (!ret && c.untouched.size > 0) {
      const e = [...c.untouched][0]!;
      throw new Violation("AGE-RESULT", `${t.name}'s aging call returned false, but spte 0x${e.toString(16)} was on a covered rmap, accessed, and unwritten for the whole call`);
    }
    if (ret && !c.everYoung) throw new Violation("AGE-RESULT", `${t.name}'s aging call returned true, but no spte of a covered rmap was accessed during the call`);
    if (op.kind !== "clear_young") return;
    for (const addr of c.readYoung) {
      const v = decodeSpte(this.w.kvm.mem.peek(addr));
      if (v && (v.accessed || (!v.ad && !isAccessTracked(v)))) throw new Violation("AGE-OLD", `${t.name}'s kvm_age_gfn read spte 0x${addr.toString(16)} accessed, nobody else wrote it since, and it is still young when the call returns`);
    }
  }
}
