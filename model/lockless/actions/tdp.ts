/**
 * The TDP MMU's part of each operation when tdp_mmu_enabled (the stub of
 * impl/lockless/tdp_mmu.ts, spec: the TDP MMU is outside this subject): a
 * direct fault maps its gfn at 4K, young, and leaves the shadow MMU alone;
 * the CPU makes a mapped gfn young; kvm_age_gfn makes the range old and says
 * whether a gfn was young, kvm_test_age_gfn only says it; an invalidation
 * unmaps the range. The shadow MMU's rmaps then hold nested pages' sptes only,
 * and the model states no gate: whether the kernel skips a walk
 * (kvm_may_have_shadow_mmu_sptes, kvm_memslots_have_rmaps) must not change
 * what an operation does or returns.
 */
import type { ModelState } from "../state";

/** Does this configuration send direct faults to the TDP MMU? */
export const tdpMmu = (s: ModelState): boolean => s.geo.tdpMmuEnabled;

function withTdp(s: ModelState, f: (m: Map<number, boolean>) => void): ModelState {
  const tdp = new Map(s.tdp);
  f(tdp);
  return { ...s, tdp };
}

/** kvm_tdp_mmu_page_fault: gfn mapped young. */
export function tdpMap(s: ModelState, gfn: number): ModelState {
  return withTdp(s, (m) => m.set(gfn, true));
}

/** The CPU through the TDP MMU: 1 (and young) when gfn is mapped, else 0 (it faults). */
export function tdpAccess(s: ModelState, gfn: number): { s: ModelState; ret: number } {
  if (!s.tdp.has(gfn)) return { s, ret: 0 };
  return { s: s.tdp.get(gfn) ? s : withTdp(s, (m) => m.set(gfn, true)), ret: 1 };
}

/** Was some gfn of [start, end) young in the TDP MMU? */
export function tdpYoung(s: ModelState, start: number, end: number): boolean {
  for (let g = start; g < end; g++) if (s.tdp.get(g) === true) return true;
  return false;
}

/** kvm_tdp_mmu_age_gfn_range: every gfn of [start, end) made old. */
export function tdpAge(s: ModelState, start: number, end: number): ModelState {
  if (!tdpYoung(s, start, end)) return s;
  return withTdp(s, (m) => {
    for (let g = start; g < end; g++) if (m.has(g)) m.set(g, false);
  });
}

/** kvm_tdp_mmu_unmap_gfn_range: every gfn of [start, end) unmapped; flush when one was mapped. */
export function tdpUnmap(s: ModelState, start: number, end: number): { s: ModelState; flush: boolean } {
  let flush = false;
  for (let g = start; g < end; g++) flush ||= s.tdp.has(g);
  if (!flush) return { s, flush };
  return {
    s: withTdp(s, (m) => {
      for (let g = start; g < end; g++) m.delete(g);
    }),
    flush,
  };
}
