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
 * With eager page splitting (geo.eagerPageSplit) and the TDP MMU, enabling
 * first splits the slot's huge sptes (splitHugePages). Setting the flag it
 * already has changes nothing. Returns 0.
 */
import { levels, maxMappingLevel, pagesAt, spBase, spteGfn, spteIndex } from "../geometry";
import { type ModelState, refParts, type ShadowPage, type Spte, spteRef } from "../state";
import { dirtyLogProtected, writeProtected } from "../spte_values";
import { addToRmap, dropSpte, findSp, type Result, rmapOfSpte, setSpte, updateSptes, zapRmap } from "./primitives";

/** The present sptes of the rmaps at `level`. */
function sptesAtLevel(s: ModelState, level: number): string[] {
  return [...s.rmaps].filter(([key]) => Number(key.split(":")[0]) === level).flatMap(([, refs]) => [...refs]);
}

export function logDirtyPages(s0: ModelState, enable: boolean): Result {
  if (s0.logDirty === enable) return { s: s0, ret: 0 };
  let s: ModelState = { ...s0, logDirty: enable, dirty: new Set() };
  if (enable && splitsOnEnable(s)) s = splitHugePages(s);
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

/** Does enabling dirty logging split huge pages (eager_page_split, which the kernel does only with the TDP MMU)? */
export const splitsOnEnable = (s: ModelState): boolean => s.geo.eagerPageSplit === true && s.geo.tdpMmuEnabled;

/**
 * What splitting a huge spte `huge` makes of the child at `gfn`, `level`
 * (make_small_spte): the same spte, the child's pfn, large only above 4K.
 * A, D, the permissions, the A/D type and an access-tracked state are kept.
 */
export function smallSpte(huge: Spte, hugeGfn: number, gfn: number, level: number): Spte {
  return { ...huge, pfn: huge.pfn + (gfn - hugeGfn), large: level > 1 };
}

/**
 * Eager page splitting of the shadow MMU (kvm_shadow_mmu_try_split_huge_pages):
 * from the largest level down to 2K's parent, every huge spte of the slot's
 * rmaps is replaced by the sptes of a direct child page one level down (its
 * parent's quadrant and A/D role), one per gfn step of the huge region, each
 * the huge spte made small (smallSpte) unless the child spte is present
 * already; each goes into its rmap (with __rmap_add's recycling), then the
 * huge spte is dropped. A child page one level down is split again at the
 * next level. The order the huge sptes of one rmap are split in decides the
 * child pages' ids: here the rmap's order of addition, the kernel's is its
 * list's (the same for up to two entries: the first is split, its entry's
 * hole filled with the second). The sequential commands never turn eager
 * splitting on, so no model-to-code comparison depends on longer lists;
 * the scenarios' and tests' set-ups keep to two.
 */
export function splitHugePages(s0: ModelState): ModelState {
  let s = s0;
  for (let level = s.geo.maxLevel; level > 1; level--) {
    const keys = [...s.rmaps.keys()].filter((k) => Number(k.split(":")[0]) === level).sort((a, b) => Number(a.split(":")[1]) - Number(b.split(":")[1]));
    for (const key of keys) {
      for (const ref of [...(s.rmaps.get(key) ?? [])]) {
        const huge = s.sptes.get(ref);
        if (huge?.large) s = splitOne(s, ref, huge);
      }
    }
  }
  return s;
}

function splitOne(s0: ModelState, ref: string, huge: Spte): ModelState {
  const { sp, index } = refParts(ref);
  const page = s0.sps.get(sp)!;
  const hugeGfn = spteGfn(s0.geo, page, index);
  const level = page.level - 1;
  let s = s0;
  let child: ShadowPage | undefined = findSp(s, hugeGfn, level, page.quadrant, false);
  if (!child) {
    child = { id: s.nextSpId, gfn: spBase(s.geo, hugeGfn, level), level, quadrant: page.quadrant, direct: true, adDisabled: page.adDisabled };
    s = { ...s, sps: new Map(s.sps).set(child.id, child), nextSpId: s.nextSpId + 1 };
  }
  for (let gfn = hugeGfn; gfn < hugeGfn + pagesAt(s.geo, page.level); gfn += pagesAt(s.geo, level)) {
    const i = spteIndex(s.geo, child.gfn, gfn, level);
    const small = spteRef(child.id, i);
    if (s.sptes.has(small)) continue;
    s = setSpte(s, small, smallSpte(huge, hugeGfn, gfn, level));
    const key = rmapOfSpte(s, child, i)!;
    const before = s.rmaps.get(key)?.size ?? 0;
    s = addToRmap(s, key, small);
    if (before > s.geo.recycleThreshold) s = zapRmap(s, key).s;
  }
  return dropSpte(s, ref);
}
