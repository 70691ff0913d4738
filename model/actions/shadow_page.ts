/** Shadow-page actions: zap one page, make every page obsolete. */
import type { ModelState, ShadowPage } from "../state";
import { dropSpte } from "./primitives";
import type { Result } from "./result";

/** Drop every present spte of a page and forget the page (prepare + commit). */
export function zapSp(s0: ModelState, sp: ShadowPage): ModelState {
  let s = s0;
  for (let i = 0; i < s.geo.sptesPerPage; i++) s = dropSpte(s, sp, i);
  const sps = new Map(s.sps);
  sps.delete(sp.id);
  return { ...s, sps };
}

/** kvm_mmu_zap_page: the oldest or newest live page with this (gfn, level, quadrant). */
export function zapPage(s: ModelState, gfn: number, level: number, quadrant: number, which: "oldest" | "newest"): Result {
  const pages = [...s.sps.values()].filter((sp) => sp.gfn === gfn && sp.level === level && sp.quadrant === quadrant);
  if (pages.length === 0) return { s, ret: 0 };
  const sp = which === "oldest" ? pages[0]! : pages[pages.length - 1]!;
  return { s: zapSp(s, sp), ret: 1 };
}

/** kvm_mmu_zap_all: every page. */
export function zapAll(s0: ModelState): ModelState {
  let s = s0;
  for (const sp of [...s0.sps.values()]) s = zapSp(s, sp);
  return s;
}

/** kvm_mmu_invalid_all_pages: bump the generation; pages stay, obsolete. */
export function invalidAllPages(s: ModelState): Result {
  return { s: { ...s, gen: s.gen + 1 }, ret: 0 };
}
