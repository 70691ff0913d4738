/**
 * Arithmetic the model shares with the kernel's definitions (spec §1.1, §2.5):
 * which gfns a shadow page and a spte map, which rmap a gfn belongs in at a
 * level, which rmaps a gfn range covers, which level a fault may map at.
 */
import type { Geometry, ShadowPage, Slot } from "./state";

/** Levels 1 (4K) .. maxLevel. */
export const levels = (geo: Geometry): number[] => Array.from({ length: geo.maxLevel }, (_, i) => i + 1);

/** KVM_PAGES_PER_HPAGE(level) */
export function pagesAt(geo: Geometry, level: number): number {
  return 1 << ((level - 1) * geo.levelShift);
}

/** gfn_to_index(gfn, base_gfn, level) */
export function gfnToIndex(geo: Geometry, gfn: number, baseGfn: number, level: number): number {
  const s = (level - 1) * geo.levelShift;
  return (gfn >> s) - (baseGfn >> s);
}

/** Number of rmap heads at a level: gfn_to_index(last gfn) + 1. */
export function rmapCount(geo: Geometry, slot: Slot, level: number): number {
  return gfnToIndex(geo, slot.baseGfn + slot.npages - 1, slot.baseGfn, level) + 1;
}

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
 * lies inside the slot (lpage_info), and a dirty-logged slot maps 4K only
 * (kvm_mmu_hugepage_adjust).
 */
export function mappingLevel(geo: Geometry, slot: Slot, gfn: number, want: number): number {
  if (geo.dirtyLogging) return 1;
  for (let level = Math.min(want, geo.maxLevel); level > 1; level--) {
    const size = pagesAt(geo, level);
    const start = gfn - (gfn % size);
    if (start >= slot.baseGfn && start + size <= slot.baseGfn + slot.npages) return level;
  }
  return 1;
}

/** The host page backing gfn (hva_to_pfn, simplified the same way in impl/). */
export function pfnOf(slot: Slot, gfn: number): number {
  return slot.userspaceAddr + (gfn - slot.baseGfn) + 0x100;
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
