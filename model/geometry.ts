/**
 * Arithmetic the model shares with the kernel's definitions (spec §1.7):
 * which gfn a spte maps, which rmap it belongs in, which host page backs a gfn.
 */
import { type Geometry, type ModelState, rmapKey, type RmapKey, type ShadowPage, type Slot } from "./state";

export const LEVELS = [1, 2, 3] as const;

/** Pages mapped by one spte at `level`. */
export function pagesAt(geo: Pick<Geometry, "levelShift">, level: number): number {
  return 1 << ((level - 1) * geo.levelShift);
}

/** gfn_to_index */
export function gfnToIndex(geo: Pick<Geometry, "levelShift">, gfn: number, baseGfn: number, level: number): number {
  const s = (level - 1) * geo.levelShift;
  return (gfn >> s) - (baseGfn >> s);
}

/** The gfn mapped by spte `index` of a page. */
export function spteGfn(geo: Geometry, sp: ShadowPage, index: number): number {
  return sp.gfn + index * pagesAt(geo, sp.level);
}

/** The installed slot containing gfn. */
export function slotOf(s: ModelState, gfn: number): Slot | undefined {
  for (const slot of s.slots.values()) if (gfn >= slot.baseGfn && gfn < slot.baseGfn + slot.npages) return slot;
  return undefined;
}

/** The rmap a spte of `sp` at `index` belongs in, through the installed slots. */
export function rmapOf(s: ModelState, sp: ShadowPage, index: number): { slot: Slot; key: RmapKey } | undefined {
  const gfn = spteGfn(s.geo, sp, index);
  const slot = slotOf(s, gfn);
  if (slot === undefined) return undefined;
  return { slot, key: rmapKey(slot.id, sp.level, gfnToIndex(s.geo, gfn, slot.baseGfn, sp.level)) };
}

/** Largest level <= maxLevel whose aligned region lies inside the slot (lpage_info). */
export function mappingLevel(geo: Pick<Geometry, "levelShift">, slot: Pick<Slot, "baseGfn" | "npages">, gfn: number, maxLevel: number): number {
  for (let level = maxLevel; level > 1; level--) {
    const size = pagesAt(geo, level);
    const start = gfn - (gfn % size);
    if (start >= slot.baseGfn && start + size <= slot.baseGfn + slot.npages) return level;
  }
  return 1;
}

/** The host page backing gfn in slot (the kernel's hva_to_pfn, simplified identically in impl/). */
export function pfnOf(slot: Pick<Slot, "baseGfn" | "userspaceAddr">, gfn: number): number {
  return slot.userspaceAddr + (gfn - slot.baseGfn) + 0x100;
}

/** Number of rmap heads at `level` for a slot: gfn_to_index(last gfn) + 1. */
export function rmapCount(geo: Pick<Geometry, "levelShift">, slot: Pick<Slot, "baseGfn" | "npages">, level: number): number {
  return gfnToIndex(geo, slot.baseGfn + slot.npages - 1, slot.baseGfn, level) + 1;
}
