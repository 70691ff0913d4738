/**
 * fast_page_fault (mmu.c 6.15; spec §5.2 F): a vCPU fixes a fault without
 * mmu_lock, inside a lockless walk, by cmpxchg on the leaf spte of a direct
 * page: restore an access-tracked spte (with A) when EPT has no A/D bits, and
 * set W on an MMU-writable spte for a write, marking the page dirty after the
 * cmpxchg won. Up to 4 retries when the cmpxchg loses.
 * DEVIATION: the walk is a lookup of the leaf page (fast_pf_get_last_sptep),
 * and the fault's error code (fault->present) is taken from the spte as the
 * CPU saw it when the fault happened, with no step.
 */
import { cmpxchg, type KGen } from "../../runtime/step";
import { KIND, type Kvm, kvm_slot_dirty_track_enabled } from "./kvm";
import { find_shadow_page, sptep_of } from "./page_fault";
import {
  is_access_allowed,
  is_access_track_spte,
  is_mmu_writable_spte,
  is_shadow_present_pte,
  is_writable_pte,
  PT_WRITABLE_MASK,
  restore_acc_track_spte,
  shadow_accessed_mask,
  shadow_acc_track_mask,
} from "./spte_bits";
import { walk_shadow_page_lockless_begin, walk_shadow_page_lockless_end } from "./steps";
import { TDP_PRESENT, tdp_mmu_enabled, tdp_sptep } from "./tdp_mmu";
import { kvm_vcpu_gfn_to_memslot, kvm_vcpu_srcu_read_lock, kvm_vcpu_srcu_read_unlock } from "./vcpu_srcu";

export const RET_PF_INVALID = 0;
export const RET_PF_FIXED = 1;
export const RET_PF_SPURIOUS = 2;

/** page_fault_can_be_fast: a fault on a non-present spte only when KVM disabled A/D; on a present one only a write. */
export function page_fault_can_be_fast(kvm: Kvm, present: boolean, write: boolean): boolean {
  return present ? write : !kvm.cfg.kvm_ad_enabled;
}

/**
 * The new value fast_page_fault computes from the spte it read, or -1 when it
 * must leave the fast path (a huge spte in a dirty-logged slot: the slot the
 * fault picked up, fault->slot).
 * DEVIATION: the kernel's inline computation as a function, so that a mutant can replace it alone.
 */
export function fast_pf_new_spte(kvm: Kvm, spte: number, write: boolean, level: number, slot: number): number {
  let new_spte = spte;
  if (!kvm.cfg.kvm_ad_enabled && is_access_track_spte(spte)) new_spte = restore_acc_track_spte(new_spte) | shadow_accessed_mask;
  if (write && is_mmu_writable_spte(spte)) {
    new_spte |= PT_WRITABLE_MASK;
    if (level > 1 && kvm_slot_dirty_track_enabled(kvm, slot)) return -1;
  }
  return new_spte;
}

/** fast_pf_fix_direct_spte: try_cmpxchg64; on success, mark the page dirty in fault->slot if W was set here. */
export function* fast_pf_fix_direct_spte(kvm: Kvm, gfn: number, sptep: number, old_spte: number, new_spte: number, slot: number): KGen<boolean> {
  if ((yield cmpxchg(sptep, KIND.spt, old_spte, new_spte, "fast_pf_fix_direct_spte: try_cmpxchg64(sptep, &old_spte, new_spte)")) !== old_spte) return false;
  if (is_writable_pte(new_spte) && !is_writable_pte(old_spte)) yield* kvm.sym.mark_page_dirty_in_slot(kvm, slot, gfn);
  return true;
}

/**
 * fast_page_fault for a read or write fault on gfn through the direct page at
 * (level, quadrant), inside the vCPU's kvm->srcu read section, with the slot
 * kvm_mmu_do_page_fault picked up before it (vcpu_srcu.ts).
 */
export function* fast_page_fault(kvm: Kvm, gfn: number, level: number, quadrant: number, write: boolean): KGen<number> {
  yield* kvm_vcpu_srcu_read_lock(kvm, "fast_page_fault");
  const slot = yield* kvm_vcpu_gfn_to_memslot(kvm, "kvm_mmu_do_page_fault");
  const r = yield* fast_page_fault_slot(kvm, slot, gfn, level, quadrant, write);
  yield* kvm_vcpu_srcu_read_unlock(kvm, "fast_page_fault");
  return r;
}

/** The body of fast_page_fault with fault->slot = slot. DEVIATION: a function of its own, so the read section wraps every return. */
function* fast_page_fault_slot(kvm: Kvm, slot: number, gfn: number, level: number, quadrant: number, write: boolean): KGen<number> {
  if (tdp_mmu_enabled(kvm)) return yield* tdp_mmu_fast_page_fault(kvm, gfn, write);
  const seen = sptep_of(kvm, find_shadow_page(kvm, gfn, level, quadrant, true), gfn);
  const present = seen !== 0 && (kvm.mem.peek(seen) & shadow_acc_track_mask) !== 0;
  if (!page_fault_can_be_fast(kvm, present, write)) return RET_PF_INVALID;
  yield walk_shadow_page_lockless_begin("fast_page_fault");
  let ret = RET_PF_INVALID;
  for (let retry_count = 0; ; ) {
    const sptep = sptep_of(kvm, find_shadow_page(kvm, gfn, level, quadrant, true), gfn);
    if (!sptep) break;
    const spte = yield* kvm.sym.mmu_spte_get_lockless(kvm, sptep);
    if (!is_shadow_present_pte(spte)) break;
    if (is_access_allowed(write, spte)) {
      ret = RET_PF_SPURIOUS;
      break;
    }
    const new_spte = kvm.sym.fast_pf_new_spte(kvm, spte, write, level, slot);
    if (new_spte === -1 || new_spte === spte || !is_access_allowed(write, new_spte)) break;
    if (yield* kvm.sym.fast_pf_fix_direct_spte(kvm, gfn, sptep, spte, new_spte, slot)) {
      ret = RET_PF_FIXED;
      break;
    }
    if (++retry_count > 4) break;
  }
  yield walk_shadow_page_lockless_end("fast_page_fault");
  return ret;
}

/**
 * fast_page_fault with tdp_mmu_enabled: the spte comes from
 * kvm_tdp_mmu_fast_pf_get_last_sptep. The stub's sptes allow every access, so
 * a present one is RET_PF_SPURIOUS and anything else RET_PF_INVALID.
 * DEVIATION: the function split at the kernel's tdp_mmu_enabled test.
 */
export function* tdp_mmu_fast_page_fault(kvm: Kvm, gfn: number, write: boolean): KGen<number> {
  const sptep = tdp_sptep(kvm, gfn);
  if (!sptep || !page_fault_can_be_fast(kvm, (kvm.mem.peek(sptep) & TDP_PRESENT) !== 0, write)) return RET_PF_INVALID;
  yield walk_shadow_page_lockless_begin("fast_page_fault");
  const spte = yield* kvm.sym.kvm_tdp_mmu_fast_pf_get_last_sptep(kvm, gfn);
  yield walk_shadow_page_lockless_end("fast_page_fault");
  return spte & TDP_PRESENT ? RET_PF_SPURIOUS : RET_PF_INVALID;
}
