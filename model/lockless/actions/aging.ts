/**
 * Aging (spec §2.5, §2.7): kvm_age_gfn and kvm_test_age_gfn over the gfns an
 * mmu_notifier's hva range covers. What they must do, sequentially: look at
 * every spte of every rmap the range covers, at every level; report whether
 * one was accessed; kvm_age_gfn also makes each accessed spte old (A cleared,
 * or access-tracked when A/D is disabled). Concurrently the result may be
 * anything in the allowed set of spec §3 A1 (checked by the checker).
 */
import { coveredIndices, hvaRangeToGfns, levels } from "../geometry";
import { type ModelState, rmapKey, type SpteRef } from "../state";
import { isAccessed, markForAccessTrack } from "../spte_values";
import { tdpAge, tdpYoung } from "./tdp";
import { type Result, rmapSptes, updateSptes } from "./primitives";

/** The sptes of every rmap the gfn range [start, end) covers, level by level. */
export function sptesCovering(s: ModelState, start: number, end: number): SpteRef[] {
  const out: SpteRef[] = [];
  for (const level of levels(s.geo)) {
    for (const i of coveredIndices(s.geo, s.slot, start, end, level)) out.push(...rmapSptes(s, rmapKey(level, i)));
  }
  return out;
}

/** kvm_mmu_notifier_clear_young / clear_flush_young: 1 when an accessed spte was found. */
export function clearYoung(s0: ModelState, hvaStart: number, hvaEnd: number): Result {
  const r = hvaRangeToGfns(s0.slot, hvaStart, hvaEnd);
  if (!r) return { s: s0, ret: 0 };
  const young = sptesCovering(s0, r.start, r.end).filter((ref) => isAccessed(s0.sptes.get(ref)!));
  const tdp = tdpYoung(s0, r.start, r.end);
  return { s: updateSptes(tdpAge(s0, r.start, r.end), young, markForAccessTrack), ret: young.length > 0 || tdp ? 1 : 0 };
}

/** kvm_mmu_notifier_test_young(hva): 1 when an accessed spte maps the page. No change. */
export function testYoung(s: ModelState, hva: number): Result {
  const r = hvaRangeToGfns(s.slot, hva, hva + 1);
  if (!r) return { s, ret: 0 };
  if (tdpYoung(s, r.start, r.end)) return { s, ret: 1 };
  return { s, ret: sptesCovering(s, r.start, r.end).some((ref) => isAccessed(s.sptes.get(ref)!)) ? 1 : 0 };
}
