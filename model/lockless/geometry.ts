/**
 * Arithmetic the model shares with the kernel's definitions (spec §1.1, §2.5):
 * which gfns a shadow page and a spte map, which rmap a gfn belongs in at a
 * level, which rmaps a gfn range covers, which level a fault may map at.
 */
import * as shared from "../geometry";
import type { Geometry, ShadowPage, Slot } from "./state";

/** Levels 1 (4K) .. maxLevel. */
export const levels = (geo: Geometry): number[] => Array.from({ length: geo.maxLevel }, (_, i) => i + 1);

/**
 * KVM_PAGES_PER_HPAGE, gfn_to_index, the rmap array length, and the host page
 * behind a gfn are the same arithmetic as the 2013 subject's (model/geometry.ts).
 * Re-exported as constants: a compiled `export { ... } from` is a getter, called at every use.
 */
export const gfnToIndex = shared.gfnToIndex;
export const pagesAt = shared.pagesAt;
export const pfnOf = shared.pfnOf;
export const rmapCount = shared.rmapCount;

/** gfns one shadow page maps at a level. */
export function spSpan(geo: Geometry, level: number): number {
  return geo.sptesPerPage * pagesAt(geo, level);
}

/** The first gfn of the shadow page at `level` that maps gfn. */
export function spBase(geo: Geometry, gfn: number, level: number): number {
  return gfn - (gfn % spSpan(geo, level));
}

/** The spte index of gfn in a shadow page at `level` starting at spGfn. */
export function spteIndex(geo: Geometry, spGfn: number, gfn: number, level: number): number {
  return Math.floor((gfn - spGfn) / pagesAt(geo, level));
}

/** The first gfn mapped by spte `index` of a page. */
export function spteGfn(geo: Geometry, sp: ShadowPage, index: number): number {
  return sp.gfn + index * pagesAt(geo, sp.level);
}

export const inSlot = (slot: Slot, gfn: number): boolean => gfn >= slot.baseGfn && gfn < slot.baseGfn + slot.npages;

/**
 * Largest level <= want at which gfn may be mapped: the aligned huge region
 * lies inside the slot (lpage_info, model/geometry.ts), and a dirty-logged slot
 * (`logDirty`) maps 4K only (kvm_mmu_hugepage_adjust).
 */
export function mappingLevel(geo: Geometry, slot: Slot, gfn: number, want: number, logDirty: boolean): number {
  return logDirty ? 1 : maxMappingLevel(geo, slot, gfn, want);
}

/** kvm_mmu_max_mapping_level: the largest level <= want whose aligned region lies inside the slot (no dirty logging). */
export function maxMappingLevel(geo: Geometry, slot: Slot, gfn: number, want: number): number {
  return shared.mappingLevel(geo, slot, gfn, Math.min(want, geo.maxLevel));
}

/**
 * The gfn range [start, end) of the slot that an hva range [hvaStart, hvaEnd)
 * covers, clipped to the slot (kvm_handle_hva_range), or null when they do not
 * overlap. hvas are in pages.
 */
export function hvaRangeToGfns(slot: Slot, hvaStart: number, hvaEnd: number): { start: number; end: number } | null {
  const lo = Math.max(hvaStart, slot.userspaceAddr);
  const hi = Math.min(hvaEnd, slot.userspaceAddr + slot.npages);
  if (lo >= hi) return null;
  return { start: slot.baseGfn + (lo - slot.userspaceAddr), end: slot.baseGfn + (hi - slot.userspaceAddr) };
}

/**
 * The rmap indices at `level` whose huge region meets the gfn range [start, end):
 * gfn_to_index(start) .. gfn_to_index(end - 1). "Every rmap the range covers"
 * (spec §3 A1, A2).
 */
export function coveredIndices(geo: Geometry, slot: Slot, start: number, end: number, level: number): number[] {
  const out: number[] = [];
  for (let i = gfnToIndex(geo, start, slot.baseGfn, level); i <= gfnToIndex(geo, end - 1, slot.baseGfn, level); i++) out.push(i);
  return out;
}
