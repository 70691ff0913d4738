/**
 * The memslot updates (KVM_SET_USER_MEMORY_REGION).
 *
 * A change of the slot's KVM_MEM_LOG_DIRTY_PAGES flag (KVM_MR_FLAGS_ONLY;
 * kvm_mmu_slot_apply_flags after the new slot is published):
 *   enable   the slot gets a new, empty bitmap and is dirty-logged; then every
 *            spte of its rmaps loses W (MMU-writable kept), except that with
 *            PML the 4K sptes instead lose D (A/D) or W (A/D disabled)
 *   disable  the slot loses its bitmap; then every spte of a direct shadow
 *            page whose level is below the largest the page's region may be
 *            mapped at (kvm_mmu_max_mapping_level(sp->gfn)) is zapped, for the
 *            rmaps of levels 4K .. maxLevel - 1 (kvm_mmu_recover_huge_pages)
 * Setting the flag it already has changes nothing. Returns 0.
 */
import { levels, maxMappingLevel } from "../geometry";
import { type ModelState, refParts } from "../state";
import { dirtyLogProtected, writeProtected } from "../spte_values";
import { dropSpte, type Result, updateSptes } from "./primitives";

/** The present sptes of the rmaps at `level`. */
function sptesAtLevel(s: ModelState, level: number): string[] {
  return [...s.rmaps].filter(([key]) => Number(key.split(":")[0]) === level).flatMap(([, refs]) => [...refs]);
}

export function logDirtyPages(s0: ModelState, enable: boolean): Result {
  if (s0.logDirty === enable) return { s: s0, ret: 0 };
  let s: ModelState = { ...s0, logDirty: enable, dirty: new Set() };
  if (enable) {
    for (const level of levels(s.geo)) {
      const pmlLeaf = s.geo.pml && level === 1;
      s = updateSptes(s, sptesAtLevel(s, level), (v) => (pmlLeaf ? dirtyLogProtected(v, true) : writeProtected(v, false)));
    }
    return { s, ret: 0 };
  }
  for (const level of levels(s.geo).slice(0, -1)) {
    for (const ref of sptesAtLevel(s, level)) {
      const sp = s.sps.get(refParts(ref).sp)!;
      if (sp.direct && sp.level < maxMappingLevel(s.geo, s.slot, sp.gfn, s.geo.maxLevel)) s = dropSpte(s, ref);
    }
  }
  return { s, ret: 0 };
}

/**
 * The deletion of the slot (KVM_MR_DELETE), as seen when it returns: no spte
 * maps a gfn of the slot (every rmap is empty: the rmaps are gone), the TDP
 * MMU maps nothing, the dirty bitmap is gone with the slot, and no gfn has a
 * slot any more. Every shadow page is zapped (KVM_X86_QUIRK_SLOT_ZAP_ALL,
 * kvm_mmu_zap_all_fast), or without the quirk the nested ones only
 * (kvm_mmu_zap_memslot: the direct pages stay, empty). Returns 0; -EINVAL
 * (-22) when the slot is already deleted.
 */
export function deleteMemslot(s0: ModelState): Result {
  if (s0.deleted) return { s: s0, ret: -22 };
  const sps = new Map([...s0.sps].filter(([, sp]) => s0.geo.slotZapAll === false && sp.direct));
  return { s: { ...s0, deleted: true, sps, sptes: new Map(), rmaps: new Map(), dirty: new Set(), logDirty: false, tdp: new Map() }, ret: 0 };
}
