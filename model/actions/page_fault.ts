/**
 * A vCPU page fault (kvm_mmu_page_fault): translate gfn through the installed
 * slots (fails on none, or on a slot being deleted), then map one leaf spte
 * and add it to the rmap of (slot, level, index).
 */
import { mappingLevel, pagesAt, pfnOf, slotOf, gfnToIndex } from "../geometry";
import { rmapKey, type ModelState, type ShadowPage, spteRef, type Spte } from "../state";
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

export function pageFault(s0: ModelState, gfn: number, maxLevel: number, write: boolean, quadrant: number): FaultResult {
  const slot = slotOf(s0, gfn);
  if (slot === undefined || slot.rmaps === "invalid") return { s: s0, mapped: false, added: false, sizeBefore: 0, ref: "", key: "" };
  const level = mappingLevel(s0.geo, slot, gfn, maxLevel);
  const size = pagesAt(s0.geo, level);
  const lgfn = gfn - (gfn % size);
  const span = s0.geo.sptesPerPage * size;
  const { s: s1, sp } = getPage(s0, gfn - (gfn % span), level, quadrant);
  const index = (lgfn - sp.gfn) / size;
  const ref = spteRef(sp.id, index);
  const pfn = pfnOf(slot, lgfn);
  const fresh: Spte = {
    pfn,
    large: level > 1,
    writable: write,
    hostWritable: write,
    mmuWritable: write,
    accessed: s1.geo.adBits,
    dirty: false,
  };
  let s = s1;
  const old = s.sptes.get(ref);
  if (old !== undefined && old.pfn === pfn) {
    return { s: updateSpte(s, ref, fresh).s, mapped: true, added: false, sizeBefore: 0, ref, key: "" };
  }
  if (old !== undefined) s = dropSpte(s, sp, index);
  const key = rmapKey(slot.id, level, gfnToIndex(s.geo, lgfn, slot.baseGfn, level));
  const sizeBefore = s.rmaps.get(key)?.size ?? 0;
  s = withRmapEntry(withSpte(s, ref, fresh), key, ref, true);
  return { s, mapped: true, added: true, sizeBefore, ref, key };
}
