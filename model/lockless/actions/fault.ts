/**
 * kvm_mmu_page_fault under mmu_lock (spec §5.2 V): find or create the shadow
 * page, make the spte (make_spte), and either update a present spte in place
 * (mmu_spte_update) or set it and add its rmap entry (mmu_spte_set, rmap_add:
 * pte_list_add returns the rmap's size before the add). An rmap longer than
 * RMAP_RECYCLE_THRESHOLD is then zapped (__rmap_add).
 */
import { inSlot, mappingLevel, pagesAt, spteIndex } from "../geometry";
import { type ModelState, spteRef } from "../state";
import { makeSpte, pageAdNeedWriteProtect } from "../spte_values";
import { tdpMap, tdpMmu } from "./tdp";
import { addToRmap, getSp, markDirty, type Result, rmapOfSpte, setSpte, zapRmap } from "./primitives";

/** Where a fault on (gfn, level) lands: the level it maps at and the gfn its spte starts at. */
export function faultLevel(s: ModelState, gfn: number, level: number): number {
  return mappingLevel(s.geo, s.slot, gfn, level, s.logDirty);
}

/**
 * Return values: pte_list_add's count (>= 0), -1 for an update in place, -2
 * when gfn has no slot (outside it, or the slot deleted), -3 when the TDP MMU mapped it (a direct fault with
 * tdp_mmu_enabled; the shadow MMU is not touched).
 */
export function pageFault(s0: ModelState, gfn: number, want: number, quadrant: number, write: boolean, nested: boolean): Result {
  if (s0.deleted || !inSlot(s0.slot, gfn)) return { s: s0, ret: -2 };
  if (!nested && tdpMmu(s0)) return { s: tdpMap(write ? markDirty(s0, gfn) : s0, gfn), ret: -3 };
  const level = faultLevel(s0, gfn, want);
  const got = getSp(s0, gfn, level, quadrant, nested);
  const sp = got.sp;
  const index = spteIndex(s0.geo, sp.gfn, gfn, level);
  const start = sp.gfn + index * pagesAt(s0.geo, level);
  const value = makeSpte(s0.slot, start, level, write, !sp.adDisabled, pageAdNeedWriteProtect(s0.geo, sp));
  let s = write ? markDirty(got.s, start) : got.s;
  const ref = spteRef(sp.id, index);
  const present = s.sptes.has(ref);
  s = setSpte(s, ref, value);
  if (present) return { s, ret: -1 };
  const key = rmapOfSpte(s, sp, index)!;
  const before = s.rmaps.get(key)?.size ?? 0;
  s = addToRmap(s, key, ref);
  if (before > s.geo.recycleThreshold) s = zapRmap(s, key).s;
  return { s, ret: before };
}
