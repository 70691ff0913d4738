/**
 * The invalid rmap handlers of patch 07/15 ([C], shared/seed/) and the
 * being_unmapped_rmap handshake of patch 08/15 ([R]: name and placement
 * recalled from the v3 cover letter, not confirmed; see docs/model.md).
 *
 * Invalid rmaps belong to a memslot being deleted. They are remove-only: no
 * spte is ever added, entries are reset to PTE_LIST_SPTE_SKIP in place, and the
 * memory is kept until the memslot is freed. Every handler unmaps and returns
 * 0: no TLB flush, because every spte left in an invalid rmap belongs to an
 * obsolete shadow page that no vCPU can reach (patch 12).
 */
import { type KGen, load, smpMb, store, waitWhile, warn } from "../runtime/step";
import type { pte_t } from "./host_pte";
import { KVM, type Kvm } from "./kvm";
import { PTE_LIST_SPTE_SKIP } from "./pte_list_clear_concurrently";
import { new_rmap_iterator } from "./rmap_iterator";

/** invalid_rmap_add: "should never happen": WARN, add nothing, return 0. */
export function* invalid_rmap_add(kvm: Kvm, spte: number, pte_list: number): KGen<number> {
  yield warn("invalid_rmap_add: WARN_ON(1)");
  return 0;
}

/**
 * invalid_rmap_remove: reset the entry in place; then (patch 08 [R]) wait
 * until no lock-free unmapper is inside this rmap, so that the caller may go
 * on to free the shadow page holding spte.
 */
export function* invalid_rmap_remove(kvm: Kvm, spte: number, rmapp: number): KGen<void> {
  yield* kvm.sym.pte_list_clear_concurrently(kvm, spte, rmapp);
  yield* kvm.sym.wait_being_unmapped_rmap(kvm, rmapp);
}

/** The lock holder's half of the handshake [R]: smp_mb, then spin while being_unmapped_rmap == rmapp. */
export function* wait_being_unmapped_rmap(kvm: Kvm, rmapp: number): KGen<void> {
  yield smpMb("invalid_rmap_remove: smp_mb");
  yield waitWhile(kvm.field(KVM.being_unmapped_rmap), "kvm", rmapp, "invalid_rmap_remove: spin while kvm->arch.being_unmapped_rmap == rmapp");
}

/** invalid_rmap_write_protect: "should never happen": WARN, return false. */
export function* invalid_rmap_write_protect(kvm: Kvm, rmapp: number, pt_protect: boolean): KGen<boolean> {
  yield warn("invalid_rmap_write_protect: WARN_ON(1)");
  return false;
}

/**
 * __kvm_unmap_invalid_rmapp: no kvm, no lock. One pass with rmap_get_first /
 * rmap_get_next (no restart: entries never move). "Do not call .rmap_remove()".
 */
export function* __kvm_unmap_invalid_rmapp(kvm: Kvm, rmapp: number): KGen<number> {
  const iter = new_rmap_iterator();
  const head = yield load(rmapp, "rmap", "__kvm_unmap_invalid_rmapp: load *rmapp");
  for (let sptep = yield* kvm.sym.rmap_get_first(kvm, head, iter); sptep; sptep = yield* kvm.sym.rmap_get_next(kvm, iter)) {
    yield* kvm.sym.__kvm_unmap_invalid_spte(kvm, sptep, rmapp);
  }
  return 0;
}

/**
 * The loop body of __kvm_unmap_invalid_rmapp for one entry: SKIP entries are
 * skipped; the entry is reset only by the clearer that saw the spte present
 * (the winner rule). DEVIATION: a function of its own (the loop body, inline
 * in the patch) so that a mutant can replace it alone.
 */
export function* __kvm_unmap_invalid_spte(kvm: Kvm, sptep: number, rmapp: number): KGen<void> {
  if (sptep === PTE_LIST_SPTE_SKIP) return;
  if (yield* kvm.sym.mmu_spte_clear_track_bits(kvm, sptep)) yield* kvm.sym.pte_list_clear_concurrently(kvm, sptep, rmapp);
}

/** kvm_unmap_invalid_rmapp: rmap_age, rmap_test_age and rmap_unmap of invalid_rmap_ops. */
export function* kvm_unmap_invalid_rmapp(kvm: Kvm, rmapp: number): KGen<number> {
  return yield* kvm.sym.__kvm_unmap_invalid_rmapp(kvm, rmapp);
}

/** invalid_rmap_set_pte: unmaps instead of remapping; the new pte is ignored. */
export function* invalid_rmap_set_pte(kvm: Kvm, rmapp: number, ptep: pte_t): KGen<number> {
  return yield* kvm.sym.kvm_unmap_invalid_rmapp(kvm, rmapp);
}

/**
 * The lock-free unmapper's half of the handshake (patch 08 [R]): with
 * preemption disabled, publish the rmap, unmap it, then unpublish.
 */
export function* kvm_unmap_invalid_rmapp_nolock(kvm: Kvm, rmapp: number): KGen<void> {
  // preempt_disable(): a no-op in the simulation.
  yield* kvm.sym.publish_being_unmapped_rmap(kvm, rmapp);
  yield* kvm.sym.__kvm_unmap_invalid_rmapp(kvm, rmapp);
  yield* kvm.sym.unpublish_being_unmapped_rmap(kvm);
  // preempt_enable()
}

/**
 * kvm->arch.being_unmapped_rmap = rmapp; smp_mb(): the store must be visible
 * before the unmapper's first load of an entry (store-buffer pattern against
 * the lock holder's entry reset and its load of being_unmapped_rmap).
 * DEVIATION: a function of its own so that a mutant can replace it alone.
 */
export function* publish_being_unmapped_rmap(kvm: Kvm, rmapp: number): KGen<void> {
  yield store(kvm.field(KVM.being_unmapped_rmap), "kvm", rmapp, "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = rmapp");
  yield smpMb("unmap_invalid_rmap_nolock: smp_mb");
}

/** smp_mb(); kvm->arch.being_unmapped_rmap = NULL: the walk is over. */
export function* unpublish_being_unmapped_rmap(kvm: Kvm): KGen<void> {
  yield smpMb("unmap_invalid_rmap_nolock: smp_mb");
  yield store(kvm.field(KVM.being_unmapped_rmap), "kvm", 0, "unmap_invalid_rmap_nolock: store kvm->arch.being_unmapped_rmap = NULL");
}
