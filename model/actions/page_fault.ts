/**
 * A vCPU page fault (kvm_mmu_page_fault): translate gfn through the installed
 * slots (fails on none, or on a slot being deleted), then map one leaf spte
 * and add it to the rmap of (slot, level, index).
 */
import { gfnToIndex, mappingLevel, pagesAt, pfnOf, slotOf } from "../geometry";
import { type Geometry, type ModelState, rmapKey, type ShadowPage, type Slot, type Spte, spteRef } from "../state";
import { dropSpte, updateSpte, withRmapEntry, withSpte } from "./primitives";

export interface FaultResult {
  readonly s: ModelState;
  readonly mapped: boolean;
  /** An rmap entry was added (false when the spte was already mapped). */
  readonly added: boolean;
  /** Entries in the rmap before the add (pte_list_add's count is a function of this and the layout). */
  readonly sizeBefore: number;
  readonly ref: string;
  /** The rmap the entry went into ("" when none). */
  readonly key: string;
}

/** The live, current-generation page for (gfn, level, quadrant), as kvm_mmu_get_page finds or creates it. */
export function getPage(s: ModelState, gfn: number, level: number, quadrant: number): { s: ModelState; sp: ShadowPage } {
  for (const sp of s.sps.values()) {
    if (sp.gfn === gfn && sp.level === level && sp.quadrant === quadrant && sp.gen === s.gen) return { s, sp };
  }
  const sp: ShadowPage = { id: s.nextSpId, gfn, level, quadrant, gen: s.gen };
  const sps = new Map(s.sps);
  sps.set(sp.id, sp);
  return { s: { ...s, sps, nextSpId: s.nextSpId + 1 }, sp };
}

/** Where a fault on gfn through `slot` maps, and the value it installs (mmu_set_spte's spte). */
export interface FaultSite {
  readonly level: number;
  /** The gfn the spte maps (gfn rounded down to the level's page). */
  readonly lgfn: number;
  /** The shadow page's first gfn, and the spte's index in it. */
  readonly spGfn: number;
  readonly index: number;
  readonly value: Spte;
  /** The rmap the entry goes into. */
  readonly key: string;
}

export function faultSite(geo: Geometry, slot: Slot, gfn: number, maxLevel: number, write: boolean): FaultSite {
  const level = mappingLevel(geo, slot, gfn, maxLevel);
  const size = pagesAt(geo, level);
  const lgfn = gfn - (gfn % size);
  const span = geo.sptesPerPage * size;
  const spGfn = gfn - (gfn % span);
  const value: Spte = {
    pfn: pfnOf(slot, lgfn),
    large: level > 1,
    writable: write,
    hostWritable: write,
    mmuWritable: write,
    accessed: geo.adBits,
    dirty: false,
  };
  return { level, lgfn, spGfn, index: (lgfn - spGfn) / size, value, key: rmapKey(slot.id, level, gfnToIndex(geo, lgfn, slot.baseGfn, level)) };
}

export function pageFault(s0: ModelState, gfn: number, maxLevel: number, write: boolean, quadrant: number): FaultResult {
  const slot = slotOf(s0, gfn);
  if (slot === undefined || slot.rmaps === "invalid") return { s: s0, mapped: false, added: false, sizeBefore: 0, ref: "", key: "" };
  const f = faultSite(s0.geo, slot, gfn, maxLevel, write);
  const { s: s1, sp } = getPage(s0, f.spGfn, f.level, quadrant);
  const ref = spteRef(sp.id, f.index);
  let s = s1;
  const old = s.sptes.get(ref);
  if (old !== undefined && old.pfn === f.value.pfn) {
    return { s: updateSpte(s, ref, f.value).s, mapped: true, added: false, sizeBefore: 0, ref, key: "" };
  }
  if (old !== undefined) s = dropSpte(s, sp, f.index);
  const sizeBefore = s.rmaps.get(f.key)?.size ?? 0;
  s = withRmapEntry(withSpte(s, ref, f.value), f.key, ref, true);
  return { s, mapped: true, added: true, sizeBefore, ref, key: f.key };
}
