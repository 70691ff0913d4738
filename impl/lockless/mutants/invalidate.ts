/**
 * Mutants of the mmu_notifier invalidation protocol (U5, issue 20):
 * misreadings of mmu_invalidate_retry_gfn and kvm_mmu_unmap_gfn_range.
 */
import { type KGen, load } from "../../../runtime/step";
import type { kvm_gfn_range } from "../aging";
import { KIND, type Kvm, KVM_FIELD } from "../kvm";
import type { LocklessOverrides } from "../symbols";
import { kvm_flush_remote_tlbs, write_lock, write_unlock } from "../steps";

/**
 * fault-ignores-invalidate-in-progress: mmu_invalidate_retry_gfn compares
 * only mmu_invalidate_seq ("the sequence count covers it"), forgetting that
 * the count is bumped at the invalidation's end: a fault that snapshots the
 * count after range_start and takes mmu_lock before range_end maps a page the
 * primary MMU is changing.
 */
export const fault_ignores_invalidate_in_progress: LocklessOverrides = () => ({
  *mmu_invalidate_retry_gfn(kvm: Kvm, mmu_seq: number): KGen<boolean> {
    return (yield load(kvm.field(KVM_FIELD.mmu_invalidate_seq), KIND.kvm, "mmu_invalidate_retry_gfn: kvm->mmu_invalidate_seq != mmu_seq")) !== mmu_seq;
  },
});

/**
 * invalidate-range-not-added: the invalidation's handler calls
 * kvm_unmap_gfn_range without kvm_mmu_invalidate_range_add, so a fault under
 * the raised count finds the range INVALID_GPA (the kernel's WARN; it retries).
 */
export const invalidate_range_not_added: LocklessOverrides = () => ({
  *kvm_mmu_unmap_gfn_range(kvm: Kvm, range: kvm_gfn_range): KGen<boolean> {
    return yield* kvm.sym.kvm_unmap_gfn_range(kvm, range);
  },
});

/**
 * zap-gfn-range-outside-invalidation: kvm_zap_gfn_range without its
 * kvm_mmu_invalidate_begin / range_add / end (as before 6.3's rework made the
 * zap an invalidation; the TDP MMU's part left out too): a fault in one of the walk's mmu_lock breaks maps a
 * gfn the zap already passed, and the zap returns with it mapped.
 */
export const zap_gfn_range_outside_invalidation: LocklessOverrides = () => ({
  *kvm_zap_gfn_range(kvm: Kvm, gfn_start: number, gfn_end: number): KGen<number> {
    const who = "kvm_zap_gfn_range";
    yield write_lock(who);
    const flush = yield* kvm.sym.kvm_rmap_zap_gfn_range(kvm, gfn_start, gfn_end);
    if (flush) yield kvm_flush_remote_tlbs(who);
    yield write_unlock(who);
    return 0;
  },
});
