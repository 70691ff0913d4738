/**
 * Write protection under mmu_lock (spec §5.2 W): the dirty-log harvest of one
 * page (KVM_GET_DIRTY_LOG: the bitmap bit is taken, then the page's 4K sptes
 * are re-protected) and write tracking (kvm_mmu_slot_gfn_write_protect from
 * PG_LEVEL_4K: W and MMU-writable cleared at every level).
 */
import { gfnToIndex, inSlot, levels } from "../geometry";
import { type ModelState, rmapKey } from "../state";
import { dirtyLogProtected, sameSpte, writeProtected } from "../spte_values";
import { type Result, rmapSptes, setSpte } from "./primitives";

/** Returns 1 when the page was logged dirty (and so was re-protected). */
export function getDirtyLog(s0: ModelState, gfn: number): Result {
  if (!s0.dirty.has(gfn)) return { s: s0, ret: 0 };
  const dirty = new Set(s0.dirty);
  dirty.delete(gfn);
  let s: ModelState = { ...s0, dirty };
  for (const ref of rmapSptes(s, rmapKey(1, gfnToIndex(s.geo, gfn, s.slot.baseGfn, 1)))) {
    s = setSpte(s, ref, dirtyLogProtected(s.sptes.get(ref)!, s.geo.pml));
  }
  return { s, ret: 1 };
}

/** Returns 1 when some spte was writable or MMU-writable (a TLB flush is needed). */
export function writeProtectGfn(s0: ModelState, gfn: number): Result {
  if (!inSlot(s0.slot, gfn)) return { s: s0, ret: 0 };
  let s = s0;
  let changed = false;
  for (const level of levels(s.geo)) {
    for (const ref of rmapSptes(s, rmapKey(level, gfnToIndex(s.geo, gfn, s.slot.baseGfn, level)))) {
      const old = s.sptes.get(ref)!;
      if (!old.w && !old.mmuWritable) continue;
      const v = writeProtected(old, true);
      changed ||= !sameSpte(old, v);
      s = setSpte(s, ref, v);
    }
  }
  return { s, ret: changed ? 1 : 0 };
}
