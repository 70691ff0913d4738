/**
 * Zapping under mmu_lock (spec §5.2 Z): one shadow page (prepare + commit:
 * every leaf spte dropped with its rmap entry, then the page freed), and an
 * mmu_notifier invalidation (kvm_unmap_gfn_range: every rmap the range covers
 * zapped whole, kvm_zap_all_rmap_sptes).
 */
import { coveredIndices, hvaRangeToGfns, levels } from "../geometry";
import { type ModelState, refParts, rmapKey } from "../state";
import { tdpUnmap } from "./tdp";
import { dropSpte, findSp, type Result, zapRmap } from "./primitives";

/** Returns 1 when a page was zapped. */
export function zapSp(s0: ModelState, gfn: number, level: number, quadrant: number, nested: boolean): Result {
  const sp = findSp(s0, gfn, level, quadrant, nested);
  if (!sp) return { s: s0, ret: 0 };
  let s = s0;
  for (const ref of s0.sptes.keys()) if (refParts(ref).sp === sp.id) s = dropSpte(s, ref);
  const sps = new Map(s.sps);
  sps.delete(sp.id);
  return { s: { ...s, sps }, ret: 1 };
}

/** Returns 1 when a spte was zapped (the caller flushes). */
export function unmapGfnRange(s0: ModelState, hvaStart: number, hvaEnd: number): Result {
  const r = hvaRangeToGfns(s0.slot, hvaStart, hvaEnd);
  if (!r) return { s: s0, ret: 0 };
  let s = s0;
  let flush = false;
  for (const level of levels(s0.geo)) {
    for (const i of coveredIndices(s0.geo, s0.slot, r.start, r.end, level)) {
      const z = zapRmap(s, rmapKey(level, i));
      s = z.s;
      flush ||= z.zapped;
    }
  }
  const t = tdpUnmap(s, r.start, r.end);
  return { s: t.s, ret: flush || t.flush ? 1 : 0 };
}

/** kvm_zap_gfn_range over gfns [start, end) (clipped to the slot): every rmap and TDP MMU mapping of it. Returns 0 (void). */
export function zapGfnRange(s0: ModelState, gfnStart: number, gfnEnd: number): Result {
  const start = Math.max(gfnStart, s0.slot.baseGfn);
  const end = Math.min(gfnEnd, s0.slot.baseGfn + s0.slot.npages);
  if (start >= end) return { s: s0, ret: 0 };
  let s = s0;
  for (const level of levels(s0.geo)) {
    for (const i of coveredIndices(s0.geo, s0.slot, start, end, level)) s = zapRmap(s, rmapKey(level, i)).s;
  }
  return { s: tdpUnmap(s, start, end).s, ret: 0 };
}
