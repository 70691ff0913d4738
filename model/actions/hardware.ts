/**
 * What a vCPU does without mmu_lock: the CPU's page walk setting A/D, and
 * fast_page_fault setting W. Only sptes of reachable pages are touched:
 * live, not zapped, of the current generation.
 */
import { pagesAt } from "../geometry";
import { type ModelState, spteRef } from "../state";
import { withSpte } from "./primitives";
import type { Result } from "./result";

/** The spte a vCPU reaches for (gfn, level, quadrant). */
export function reachable(s: ModelState, gfn: number, level: number, quadrant: number): string | undefined {
  const size = pagesAt(s.geo, level);
  const span = s.geo.sptesPerPage * size;
  for (const sp of s.sps.values()) {
    if (sp.level !== level || sp.quadrant !== quadrant || sp.gen !== s.gen || sp.gfn !== gfn - (gfn % span)) continue;
    return spteRef(sp.id, Math.floor((gfn - sp.gfn) / size));
  }
  return undefined;
}

/** A guest access: sets A (and D on a write) if the spte is present (and writable for a write). */
export function hwAccess(s: ModelState, gfn: number, level: number, quadrant: number, write: boolean): Result {
  const ref = reachable(s, gfn, level, quadrant);
  const v = ref === undefined ? undefined : s.sptes.get(ref);
  if (ref === undefined || v === undefined || (write && !v.writable)) return { s, ret: 0 };
  if (!s.geo.adBits) return { s, ret: 1 };
  return { s: withSpte(s, ref, { ...v, accessed: true, dirty: v.dirty || write }), ret: 1 };
}

/** fast_page_fault: a present, read-only, locklessly modifiable 4K spte becomes writable. */
export function fastPageFault(s: ModelState, gfn: number, quadrant: number): Result {
  const ref = reachable(s, gfn, 1, quadrant);
  const v = ref === undefined ? undefined : s.sptes.get(ref);
  if (ref === undefined || v === undefined || v.writable || !(v.hostWritable && v.mmuWritable)) return { s, ret: 0 };
  return { s: withSpte(s, ref, { ...v, writable: true }), ret: 1 };
}
