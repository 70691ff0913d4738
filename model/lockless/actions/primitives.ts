/**
 * Small state updates every action is written with: the rmap a spte belongs
 * in, finding or creating a shadow page, setting and dropping a spte
 * together with its rmap entry, marking a page dirty.
 */
import { gfnToIndex, inSlot, spBase, spteGfn } from "../geometry";
import { type ModelState, refParts, rmapKey, type RmapKey, type ShadowPage, type Spte, type SpteRef } from "../state";

/** An action's outcome: the next state and the value the kernel function returns. */
export interface Result {
  readonly s: ModelState;
  readonly ret: number;
}

/** The rmap a spte of `sp` at `index` belongs in (undefined: its gfn is outside the slot). */
export function rmapOfSpte(s: ModelState, sp: ShadowPage, index: number): RmapKey | undefined {
  const gfn = spteGfn(s.geo, sp, index);
  return inSlot(s.slot, gfn) ? rmapKey(sp.level, gfnToIndex(s.geo, gfn, s.slot.baseGfn, sp.level)) : undefined;
}

export function rmapOfRef(s: ModelState, ref: SpteRef): RmapKey | undefined {
  const { sp, index } = refParts(ref);
  const page = s.sps.get(sp);
  return page && rmapOfSpte(s, page, index);
}

/**
 * The role a fault gives its page: nested pages are indirect, A/D-disabled
 * unless L1's EPTP enables A/D (!accessed_dirty); without EPT A/D every page is A/D-disabled.
 */
export function roleOf(s: ModelState, nested: boolean): { direct: boolean; adDisabled: boolean } {
  return { direct: !nested, adDisabled: !s.geo.kvmAdEnabled || (nested && !s.geo.nestedEptAd) };
}

/** The live page at (level, quadrant, role) that maps gfn (kvm_mmu_get_shadow_page's lookup). */
export function findSp(s: ModelState, gfn: number, level: number, quadrant: number, nested: boolean): ShadowPage | undefined {
  const base = spBase(s.geo, gfn, level);
  for (const sp of s.sps.values()) {
    if (sp.gfn === base && sp.level === level && sp.quadrant === quadrant && sp.direct === !nested) return sp;
  }
  return undefined;
}

/** findSp, creating the page when there is none. */
export function getSp(s: ModelState, gfn: number, level: number, quadrant: number, nested: boolean): { s: ModelState; sp: ShadowPage } {
  const found = findSp(s, gfn, level, quadrant, nested);
  if (found) return { s, sp: found };
  const sp: ShadowPage = { id: s.nextSpId, gfn: spBase(s.geo, gfn, level), level, quadrant, ...roleOf(s, nested) };
  return { s: { ...s, sps: new Map(s.sps).set(sp.id, sp), nextSpId: s.nextSpId + 1 }, sp };
}

export function setSpte(s: ModelState, ref: SpteRef, v: Spte): ModelState {
  return { ...s, sptes: new Map(s.sptes).set(ref, v) };
}

/** Apply `f` to each of `refs` (present sptes), copying the spte map once. */
export function updateSptes(s: ModelState, refs: readonly SpteRef[], f: (v: Spte) => Spte): ModelState {
  if (refs.length === 0) return s;
  const sptes = new Map(s.sptes);
  for (const ref of refs) sptes.set(ref, f(sptes.get(ref)!));
  return { ...s, sptes };
}

export function addToRmap(s: ModelState, key: RmapKey, ref: SpteRef): ModelState {
  const rmaps = new Map(s.rmaps);
  rmaps.set(key, new Set(rmaps.get(key) ?? []).add(ref));
  return { ...s, rmaps };
}

/** drop_spte: the spte stops being present and leaves its rmap. */
export function dropSpte(s: ModelState, ref: SpteRef): ModelState {
  const sptes = new Map(s.sptes);
  sptes.delete(ref);
  const rmaps = new Map(s.rmaps);
  const key = rmapOfRef(s, ref);
  const set = key === undefined ? undefined : rmaps.get(key);
  if (key !== undefined && set) {
    const rest = new Set(set);
    rest.delete(ref);
    if (rest.size === 0) rmaps.delete(key);
    else rmaps.set(key, rest);
  }
  return { ...s, sptes, rmaps };
}

/** kvm_zap_all_rmap_sptes: every spte of the rmap stops being present; the rmap is empty. */
export function zapRmap(s: ModelState, key: RmapKey): { s: ModelState; zapped: boolean } {
  const set = s.rmaps.get(key);
  if (!set) return { s, zapped: false };
  let t = s;
  for (const ref of set) t = dropSpte(t, ref);
  return { s: t, zapped: true };
}

/** mark_page_dirty_in_slot: only a dirty-logged slot has a bitmap. */
export function markDirty(s: ModelState, gfn: number): ModelState {
  return s.logDirty ? { ...s, dirty: new Set(s.dirty).add(gfn) } : s;
}

/** The present sptes an rmap holds. */
export function rmapSptes(s: ModelState, key: RmapKey): SpteRef[] {
  return [...(s.rmaps.get(key) ?? [])];
}

