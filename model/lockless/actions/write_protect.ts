/**
 * Write protection under mmu_lock (spec §5.2 W): the dirty-log harvest of one
 * page (KVM_GET_DIRTY_LOG: the bitmap bit is taken, then the page's 4K sptes
 * are re-protected) and write tracking (kvm_mmu_slot_gfn_write_protect from
 * PG_LEVEL_4K: W and MMU-writable cleared at every level).
 */
import { gfnToIndex, inSlot, levels } from "../geometry";
import { type ModelState, rmapKey } from "../state";
import { dirtyLogProtected, writeProtected } from "../spte_values";
import { type Result, rmapSptes, updateSptes } from "./primitives";

/** Returns 1 when the page was logged dirty (and so was re-protected). */
export function getDirtyLog(s0: ModelState, gfn: number): Result {
  if (!s0.dirty.has(gfn)) return { s: s0, ret: 0 };
  const dirty = new Set(s0.dirty);
  dirty.delete(gfn);
  const s: ModelState = { ...s0, dirty };
  const refs = rmapSptes(s, rmapKey(1, gfnToIndex(s.geo, gfn, s.slot.baseGfn, 1)));
  return { s: updateSptes(s, refs, (v) => dirtyLogProtected(v, s.geo.pml)), ret: 1 };
}

/** Returns 1 when some spte was writable or MMU-writable (a TLB flush is needed). */
export function writeProtectGfn(s0: ModelState, gfn: number): Result {
  if (!inSlot(s0.slot, gfn)) return { s: s0, ret: 0 };
  const refs = levels(s0.geo)
    .flatMap((level) => rmapSptes(s0, rmapKey(level, gfnToIndex(s0.geo, gfn, s0.slot.baseGfn, level))))
    .filter((ref) => s0.sptes.get(ref)!.w || s0.sptes.get(ref)!.mmuWritable);
  return { s: updateSptes(s0, refs, (v) => writeProtected(v, true)), ret: refs.length > 0 ? 1 : 0 };
}
