/**
 * MMU-notifier actions over host-virtual ranges (kvm_handle_hva_range):
 * every installed slot the range intersects, every level, every rmap index.
 * On a slot being deleted every handler unmaps and reports 0 (invalid_rmap_ops:
 * no flush, not young), even test_age.
 */
import { gfnToIndex, LEVELS } from "../geometry";
import { rmapKey, type ModelState, type RmapKey, type Spte } from "../state";
import { dropRmap, propagation, withPfn, withSpte } from "./primitives";
import type { Result } from "./result";

export interface Visit {
  readonly key: RmapKey;
  readonly invalid: boolean;
}

/** The rmaps kvm_handle_hva_range visits for [start, end). */
export function rmapsInRange(s: ModelState, start: number, end: number): Visit[] {
  const keys: Visit[] = [];
  for (const slot of s.slots.values()) {
    const lo = Math.max(start, slot.userspaceAddr);
    const hi = Math.min(end, slot.userspaceAddr + slot.npages);
    if (lo >= hi) continue;
    const gfnStart = slot.baseGfn + (lo - slot.userspaceAddr);
    const gfnEnd = slot.baseGfn + (hi - slot.userspaceAddr);
    for (const level of LEVELS) {
      const first = gfnToIndex(s.geo, gfnStart, slot.baseGfn, level);
      const last = gfnToIndex(s.geo, gfnEnd - 1, slot.baseGfn, level);
      for (let i = first; i <= last; i++) keys.push({ key: rmapKey(slot.id, level, i), invalid: slot.rmaps === "invalid" });
    }
  }
  return keys;
}

/** kvm_unmap_hva_range: drop every spte; returns 1 if any was dropped (flush needed). */
export function unmapHvaRange(s0: ModelState, start: number, end: number): Result {
  let s = s0;
  let ret = 0;
  for (const { key, invalid } of rmapsInRange(s0, start, end)) {
    const r = dropRmap(s, key);
    s = r.s;
    if (r.dropped > 0 && !invalid) ret = 1;
  }
  return { s, ret };
}

/**
 * kvm_set_spte_hva: a writable new host pte drops every spte; a read-only one
 * remaps each to the new pfn, read-only, not accessed (D is kept, as the
 * kernel keeps every non-address bit), after propagating the old A/D.
 */
export function setSpteHva(s0: ModelState, hva: number, pfn: number, write: boolean): Result {
  let s = s0;
  for (const { key, invalid } of rmapsInRange(s0, hva, hva + 1)) {
    if (write || invalid) {
      s = dropRmap(s, key).s;
      continue;
    }
    for (const ref of s.rmaps.get(key) ?? []) {
      const old = s.sptes.get(ref)!;
      const p = propagation(s.geo, old);
      const v: Spte = { ...old, pfn, writable: false, hostWritable: false, accessed: s.geo.adBits ? false : old.accessed };
      s = withSpte(withPfn(s, old.pfn, p.accessed, p.dirty), ref, v);
    }
  }
  return { s, ret: 0 };
}

/** kvm_age_hva: young if any spte had A, which is cleared (no pfn propagation). Without A/D bits: unmap. */
export function ageHva(s0: ModelState, hva: number): Result {
  if (!s0.geo.adBits) return unmapHvaRange(s0, hva, hva + 1);
  let s = s0;
  let ret = 0;
  for (const { key, invalid } of rmapsInRange(s0, hva, hva + 1)) {
    if (invalid) {
      s = dropRmap(s, key).s;
      continue;
    }
    for (const ref of s.rmaps.get(key) ?? []) {
      const v = s.sptes.get(ref)!;
      if (!v.accessed) continue;
      ret = 1;
      s = withSpte(s, ref, { ...v, accessed: false });
    }
  }
  return { s, ret };
}

/** kvm_test_age_hva: 1 if any spte has A; changes nothing on valid slots. 0 without A/D bits. */
export function testAgeHva(s0: ModelState, hva: number): Result {
  let s = s0;
  let ret = 0;
  for (const { key, invalid } of rmapsInRange(s0, hva, hva + 1)) {
    if (invalid) s = dropRmap(s, key).s;
    else if (s.geo.adBits && [...(s.rmaps.get(key) ?? [])].some((ref) => s.sptes.get(ref)!.accessed)) ret = 1;
  }
  return { s, ret };
}

