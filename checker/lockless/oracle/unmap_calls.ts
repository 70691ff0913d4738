/**
 * UNMAP-RANGE, what an invalidation over a range (the mmu_notifier
 * invalidation, unmap_gfn_range: kvm_unmap_gfn_range; and kvm_zap_gfn_range,
 * zap_gfn_range) must have done when it returns: the model's actions
 * (model/lockless/actions/zap.ts unmapGfnRange, zapGfnRange) drop every spte
 * on every rmap the gfn range covers and every TDP MMU mapping of the range.
 * The lockless analogue of the series' INV-UNMAP
 * (checker/series/oracle/notifier_calls.ts), stated over the model state the
 * implementation's memory stands for (abstraction.ts's decoding: a present
 * spte of a live shadow page at a site the range covers; a present TDP MMU
 * stub word of the range), never over the implementation's walk:
 *
 *   when the call returns, every spte and TDP MMU mapping of its range that
 *   was present when the call first took mmu_lock is gone, unless another
 *   thread made it present again since (a fault after the call released
 *   mmu_lock: after range_end's release it is allowed, inside the window
 *   INVALIDATE-MAP names it).
 *
 * Why the first acquisition of mmu_lock and not the operation's start: every
 * thread that makes a spte or a TDP mapping present (a page fault) does so
 * under mmu_lock, and the lockless writers (agers, fast page faults, the CPU)
 * only change present sptes; so from that acquisition to the call's first
 * release no mapping of the range appears, and what was present then is what
 * the model's action, taken at that moment, drops. A fault that installed
 * before it (between the operation's start and its first step, say) is not
 * exempt: the walk that follows must drop it. Other threads dropping a
 * mapping (kvm_zap_gfn_range, zap_sp, another invalidation) are fine: only
 * presence at the return is judged. A call that never took mmu_lock (its
 * range misses the slot) is not judged.
 */
import { decodeSpte, decodeTdpWord } from "../../../model/lockless/encoding";
import { gfnToIndex, hvaRangeToGfns } from "../../../model/lockless/geometry";
import type { LocklessOp } from "../../../model/lockless/operations";
import { WORD_BYTES } from "../../../runtime/memory";
import type { Machine } from "../../../runtime/machine";
import type { Thread } from "../../../runtime/thread";
import { Violation } from "../../violation";
import type { LocklessWorld } from "../world";
import { livePages, siteOf, spteAt } from "./impl_view";

type RangeOp = Extract<LocklessOp, { kind: "unmap_gfn_range" | "zap_gfn_range" }>;

interface Call {
  /** The call's gfn range [start, end), clipped to the slot. */
  readonly gfns: readonly [number, number];
  /** Address -> what it is, of each mapping the call must drop; undefined until the call first takes mmu_lock. */
  mustDrop: Map<number, string> | undefined;
  /** The thread's step count (Thread.steps) after the step that filled mustDrop; -1 before. */
  snapStep: number;
}

export function isRangeInvalidation(op: LocklessOp | undefined): op is RangeOp {
  return op?.kind === "unmap_gfn_range" || op?.kind === "zap_gfn_range";
}

export class UnmapCalls {
  private readonly calls = new Map<Thread, Call>();

  constructor(private readonly w: LocklessWorld, private readonly count: () => void) {}

  /** The gfn range an invalidation covers, clipped to the slot (null: none). */
  private gfnRange(op: RangeOp): readonly [number, number] | null {
    const slot = this.w.slot;
    if (op.kind === "unmap_gfn_range") {
      const r = hvaRangeToGfns(slot, op.start, op.end);
      return r === null ? null : [r.start, r.end];
    }
    const start = Math.max(op.start, slot.baseGfn);
    const end = Math.min(op.end, slot.baseGfn + slot.npages);
    return start < end ? [start, end] : null;
  }

  opStart(t: Thread, op: LocklessOp): void {
    if (!isRangeInvalidation(op)) return;
    const gfns = this.gfnRange(op);
    if (gfns !== null) this.calls.set(t, { gfns, mustDrop: undefined, snapStep: -1 });
  }

  /** After each step of thread t: at its call's first acquisition of mmu_lock, the snapshot (the lock looked up only then). */
  afterStep(m: Machine, t: Thread): void {
    const c = this.calls.get(t);
    if (c === undefined || c.mustDrop !== undefined || m.holder() !== t) return;
    const { kvm, geo, slot } = this.w;
    const [start, end] = c.gfns;
    const covered = (gfn: number, level: number): boolean => {
      const i = gfnToIndex(geo, gfn, slot.baseGfn, level);
      return i >= gfnToIndex(geo, start, slot.baseGfn, level) && i <= gfnToIndex(geo, end - 1, slot.baseGfn, level);
    };
    const must = new Map<number, string>();
    for (const p of livePages(kvm)) {
      for (let i = 0; i < kvm.cfg.sptesPerPage; i++) {
        const addr = p.spt + i * WORD_BYTES;
        const site = siteOf(kvm, p, i);
        // Only the covered sites' words are read: the exhaustive mode orders this step with their writes alone.
        if (!covered(site.gfn, site.level) || !decodeSpte(kvm.mem.peek(addr))) continue;
        must.set(addr, `the spte of shadow page ${p.id} for gfn ${site.gfn} at level ${site.level}`);
      }
    }
    for (let g = start; kvm.tdp_sptes !== 0 && g < end; g++) {
      const addr = kvm.tdp_sptes + (g - slot.baseGfn) * WORD_BYTES;
      if (decodeTdpWord(kvm.mem.peek(addr)) !== undefined) must.set(addr, `the TDP MMU's mapping of gfn ${g}`);
    }
    c.mustDrop = must;
    c.snapStep = t.steps;
  }

  /**
   * Did t's step just now take its call's snapshot? That step read the
   * memory (logged by memory itself) and wrote the call's set, which every
   * spte install reads: the exhaustive footprint declares it (resource UNMAP).
   */
  tookSnapshot(t: Thread): boolean {
    const c = this.calls.get(t);
    return c !== undefined && c.snapStep === t.steps;
  }

  /** Thread t made the spte or TDP MMU word at addr present (it was not). */
  onInstall(t: Thread, addr: number): void {
    for (const [ct, c] of this.calls) if (ct !== t) c.mustDrop?.delete(addr);
  }

  opEnd(t: Thread, op: LocklessOp): void {
    const c = this.calls.get(t);
    if (c === undefined) return;
    this.calls.delete(t);
    if (c.mustDrop === undefined) return;
    this.count();
    const kvm = this.w.kvm;
    for (const [addr, what] of c.mustDrop) {
      const tdp = kvm.tdp_sptes !== 0 && addr >= kvm.tdp_sptes && addr < kvm.tdp_sptes + this.w.slot.npages * WORD_BYTES;
      const present = tdp
        ? decodeTdpWord(kvm.mem.peek(addr)) !== undefined
        : spteAt(kvm, addr) !== undefined && !!decodeSpte(kvm.mem.peek(addr));
      if (!present) continue;
      const [start, end] = c.gfns;
      throw new Violation(
        "UNMAP-RANGE",
        `${t.name}'s ${op.kind} of gfns [${start}, ${end}) returned with ${what} (0x${addr.toString(16)}) still present: ` +
          "it was present when the call first took mmu_lock, and no other thread made it present again since",
      );
    }
  }
}
