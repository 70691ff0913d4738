/**
 * What a vCPU does without mmu_lock (spec §5.2 H, F): the CPU's access through
 * a spte (A, and D on a write, set by hardware on A/D-enabled sptes; nothing
 * on A/D-disabled ones), and the fast page fault fixing a spte by cmpxchg
 * (restore an access-tracked spte with A when EPT has no A/D bits; set W on an
 * MMU-writable spte for a write, logging the page dirty).
 */
import { pagesAt, spteIndex } from "../geometry";
import { type ModelState, type Spte, spteRef } from "../state";
import { accessAllowed, isAccessTracked, restoreAccTrack, sameSpte } from "../spte_values";
import { tdpAccess, tdpMmu } from "./tdp";
import { findSp, markDirty, type Result, setSpte } from "./primitives";

/** The spte a vCPU reaches for (gfn, level, quadrant, role), if its page is live. */
export function reach(s: ModelState, gfn: number, level: number, quadrant: number, nested: boolean): { ref: string; gfn: number } | undefined {
  const sp = findSp(s, gfn, level, quadrant, nested);
  if (!sp) return undefined;
  const index = spteIndex(s.geo, sp.gfn, gfn, level);
  return { ref: spteRef(sp.id, index), gfn: sp.gfn + index * pagesAt(s.geo, level) };
}

/** 1 when the access goes through, 0 when it faults. */
export function hwAccess(s: ModelState, gfn: number, level: number, quadrant: number, write: boolean, nested: boolean): Result {
  if (!nested && tdpMmu(s)) return tdpAccess(s, gfn);
  const at = reach(s, gfn, level, quadrant, nested);
  const v = at && s.sptes.get(at.ref);
  if (!at || !v || !accessAllowed(v, write)) return { s, ret: 0 };
  if (!v.ad) return { s, ret: 1 };
  return { s: setSpte(s, at.ref, { ...v, accessed: true, dirty: v.dirty || write }), ret: 1 };
}

export const RET_PF_INVALID = 0;
export const RET_PF_FIXED = 1;
export const RET_PF_SPURIOUS = 2;

/** The value fast_page_fault installs for a fault on `v` (null: the fast path gives up). */
export function fastPfNewSpte(s: ModelState, v: Spte, write: boolean, level: number): Spte | null {
  let n = v;
  if (!s.geo.kvmAdEnabled && isAccessTracked(v)) n = { ...restoreAccTrack(n), accessed: true };
  if (write && v.mmuWritable) {
    if (level > 1 && s.logDirty) return null;
    n = { ...n, w: true };
  }
  return sameSpte(n, v) || !accessAllowed(n, write) ? null : n;
}

/** page_fault_can_be_fast: a fault on a hardware-present spte only for a write; on an access-tracked one only without EPT A/D. */
export function canBeFast(s: ModelState, v: Spte, write: boolean): boolean {
  return isAccessTracked(v) ? !s.geo.kvmAdEnabled : write;
}

/**
 * Direct pages only. Returns RET_PF_FIXED, RET_PF_SPURIOUS or RET_PF_INVALID.
 * With the TDP MMU, whose sptes allow every access: a write fault on a mapped gfn is spurious.
 */
export function fastPageFault(s: ModelState, gfn: number, level: number, quadrant: number, write: boolean): Result {
  if (tdpMmu(s)) return { s, ret: write && s.tdp.has(gfn) ? RET_PF_SPURIOUS : RET_PF_INVALID };
  const at = reach(s, gfn, level, quadrant, false);
  const v = at && s.sptes.get(at.ref);
  if (!at || !v || !canBeFast(s, v, write)) return { s, ret: RET_PF_INVALID };
  if (accessAllowed(v, write)) return { s, ret: RET_PF_SPURIOUS };
  const n = fastPfNewSpte(s, v, write, level);
  if (!n) return { s, ret: RET_PF_INVALID };
  const t = setSpte(s, at.ref, n);
  return { s: n.w && !v.w ? markDirty(t, at.gfn) : t, ret: RET_PF_FIXED };
}
