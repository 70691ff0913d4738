/**
 * Write protection (rmap_write_protect, kvm_mmu_write_protect_pt_masked):
 * clear W, and SPTE_MMU_WRITEABLE with pt_protect; large sptes are dropped.
 */
import { gfnToIndex, LEVELS, slotOf } from "../geometry";
import { rmapKey, type ModelState } from "../state";
import { dropSpte, refParts, updateSpte } from "./primitives";
import type { Result } from "./result";

/** __rmap_write_protect over one rmap. Returns the state and "flush needed". */
function protectRmap(s0: ModelState, key: string, ptProtect: boolean): { s: ModelState; flush: boolean } {
  let s = s0;
  let flush = false;
  for (const ref of s0.rmaps.get(key) ?? []) {
    const v = s.sptes.get(ref)!;
    if (!v.writable && !(ptProtect && v.hostWritable && v.mmuWritable)) continue;
    if (v.large) {
      const { sp, index } = refParts(ref);
      s = dropSpte(s, s.sps.get(sp)!, index);
      flush = true;
      continue;
    }
    const r = updateSpte(s, ref, { ...v, writable: false, mmuWritable: ptProtect ? false : v.mmuWritable });
    s = r.s;
    flush = flush || r.flush;
  }
  return { s, flush };
}

/**
 * A vCPU shadows the guest page table at gfn: every level, pt_protect. The
 * guest walk fails (nothing happens) when no valid slot holds gfn.
 */
export function shadowGfn(s0: ModelState, gfn: number): Result {
  const slot = slotOf(s0, gfn);
  if (slot === undefined || slot.rmaps === "invalid") return { s: s0, ret: 0 };
  let s = s0;
  let flush = false;
  for (const level of LEVELS) {
    const r = protectRmap(s, rmapKey(slot.id, level, gfnToIndex(s.geo, gfn, slot.baseGfn, level)), true);
    s = r.s;
    flush = flush || r.flush;
  }
  return { s, ret: flush ? 1 : 0 };
}

/** KVM_GET_DIRTY_LOG for one gfn: level 1, SPTE_MMU_WRITEABLE kept; no slot: nothing. */
export function getDirtyLog(s0: ModelState, gfn: number): Result {
  const slot = slotOf(s0, gfn);
  if (slot === undefined) return { s: s0, ret: 0 };
  const r = protectRmap(s0, rmapKey(slot.id, 1, gfnToIndex(s0.geo, gfn, slot.baseGfn, 1)), false);
  return { s: r.s, ret: r.flush ? 1 : 0 };
}
