/**
 * The building blocks every action uses: map a spte, drop a spte (with A/D
 * propagation, spec §1.6), change a present spte's bits.
 * Each returns a new state; none mutates its argument.
 */
import { rmapOf } from "../geometry";
import type { Geometry, ModelState, PageFlags, ShadowPage, Spte, SpteRef } from "../state";

export function withPfn(s: ModelState, pfn: number, accessed: boolean, dirty: boolean): ModelState {
  if (!accessed && !dirty) return s;
  const old: PageFlags = s.pfns.get(pfn) ?? { accessed: false, dirty: false };
  const pfns = new Map(s.pfns);
  pfns.set(pfn, { accessed: old.accessed || accessed, dirty: old.dirty || dirty });
  return { ...s, pfns };
}

/** The state with spte `ref` present as `v` (no rmap change). */
export function withSpte(s: ModelState, ref: SpteRef, v: Spte): ModelState {
  const sptes = new Map(s.sptes);
  sptes.set(ref, v);
  return { ...s, sptes };
}

export function withRmapEntry(s: ModelState, key: string, ref: SpteRef, present: boolean): ModelState {
  const rmaps = new Map(s.rmaps);
  const set = new Set(rmaps.get(key) ?? []);
  if (present) set.add(ref);
  else set.delete(ref);
  if (set.size === 0) rmaps.delete(key);
  else rmaps.set(key, set);
  return { ...s, rmaps };
}

/** What mmu_spte_clear_track_bits tells the host page about a spte it clears. */
export function propagation(geo: Geometry, v: Spte): { accessed: boolean; dirty: boolean } {
  return { accessed: !geo.adBits || v.accessed, dirty: !geo.adBits || v.dirty };
}

/** drop_spte: the spte becomes non-present, its A/D reach the pfn, its rmap entry goes. */
export function dropSpte(s: ModelState, sp: ShadowPage, index: number): ModelState {
  const ref = `${sp.id}:${index}`;
  const v = s.sptes.get(ref);
  if (v === undefined) return s;
  const sptes = new Map(s.sptes);
  sptes.delete(ref);
  const p = propagation(s.geo, v);
  let next: ModelState = withPfn({ ...s, sptes }, v.pfn, p.accessed, p.dirty);
  const r = rmapOf(s, sp, index);
  if (r !== undefined) next = withRmapEntry(next, r.key, ref, false);
  return next;
}

/** Parse a SpteRef. */
export function refParts(ref: SpteRef): { sp: number; index: number } {
  const [sp, index] = ref.split(":");
  return { sp: Number(sp), index: Number(index) };
}

/** Drop every spte an rmap holds. Returns the new state and how many were dropped. */
export function dropRmap(s: ModelState, key: string): { s: ModelState; dropped: number } {
  const refs = [...(s.rmaps.get(key) ?? [])];
  let next = s;
  for (const ref of refs) {
    const { sp, index } = refParts(ref);
    next = dropSpte(next, next.sps.get(sp)!, index);
  }
  return { s: next, dropped: refs.length };
}

/**
 * mmu_spte_update's effect on a present spte: the new value replaces it; the
 * A and D bits it clears reach the pfn. Returns whether W went 1 -> 0.
 */
export function updateSpte(s: ModelState, ref: SpteRef, next: Spte): { s: ModelState; flush: boolean } {
  const old = s.sptes.get(ref)!;
  let out = withSpte(s, ref, next);
  if (s.geo.adBits) out = withPfn(out, old.pfn, old.accessed && !next.accessed, old.dirty && !next.dirty);
  return { s: out, flush: old.writable && !next.writable };
}
