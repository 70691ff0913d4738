/** Shadow-page actions: zap one page, make every page obsolete (and zap the obsolete ones). */
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

/** Bump the generation, then zap every page older than it (3.11 kvm_mmu_invalidate_zap_all_pages run alone). */
export function zapObsolete(s0: ModelState): ModelState {
  let s: ModelState = { ...s0, gen: s0.gen + 1 };
  for (const sp of [...s.sps.values()]) if (sp.gen !== s.gen) s = zapSp(s, sp);
  return s;
}

/**
 * The generated invalid_all_pages operation: v3's kvm_mmu_invalid_all_pages
 * bumps the generation and keeps the obsolete pages; in 3.11 the same request
 * (kvm_mmu_invalidate_mmio_sptes on wrap-around) zaps them as well.
 */
export function invalidAllPages(s: ModelState, zapsObsolete: boolean): Result {
  return { s: zapsObsolete ? zapObsolete(s) : { ...s, gen: s.gen + 1 }, ret: 0 };
}
