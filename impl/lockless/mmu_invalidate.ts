/**
 * The mmu_notifier invalidation protocol (virt/kvm/kvm_main.c and
 * include/linux/kvm_host.h, 6.15; issue 20's U5): an invalidation raises
 * mmu_invalidate_in_progress and records its gfn range under mmu_lock
 * (kvm_mmu_invalidate_begin, kvm_mmu_invalidate_range_add), and at its end
 * bumps mmu_invalidate_seq and drops the count (kvm_mmu_invalidate_end). A
 * page fault snapshots mmu_invalidate_seq before it looks up the pfn and,
 * under mmu_lock, retries (RET_PF_RETRY) when an invalidation covering its
 * gfn is in progress or one ended since the snapshot
 * (mmu_invalidate_retry_gfn, from is_page_fault_stale).
 * All fields are plain words written under mmu_lock (for write here);
 * smp_wmb / smp_rmb are compiler barriers on x86 and are not steps.
 * DEVIATION: the fault's unlocked early check (mmu_invalidate_retry_gfn_unsafe
 * in kvm_mmu_faultin_pfn) is not simulated: an optimisation whose answer the
 * locked check repeats.
 */
import { type KGen, load, store, warn } from "../../runtime/step";
import { KIND, type Kvm, KVM_FIELD } from "./kvm";

/** INVALID_GPA, as a gfn bound. */
export const INVALID_GPA = -1;

/** RET_PF_RETRY as kvm_mmu_page_fault returns it here (the vCPU re-enters the guest and faults again). */
export const RET_PF_RETRY = -4;

const f = (kvm: Kvm, off: number): number => kvm.field(off);

/** kvm_mmu_invalidate_begin (mmu_lock held for write). */
export function* kvm_mmu_invalidate_begin(kvm: Kvm): KGen<void> {
  const n = yield load(f(kvm, KVM_FIELD.mmu_invalidate_in_progress), KIND.kvm, "kvm_mmu_invalidate_begin: kvm->mmu_invalidate_in_progress++ (load)");
  yield store(f(kvm, KVM_FIELD.mmu_invalidate_in_progress), KIND.kvm, n + 1, "kvm_mmu_invalidate_begin: kvm->mmu_invalidate_in_progress++ (store)");
  if (n + 1 === 1) {
    yield store(f(kvm, KVM_FIELD.mmu_invalidate_range_start), KIND.kvm, INVALID_GPA, "kvm_mmu_invalidate_begin: kvm->mmu_invalidate_range_start = INVALID_GPA");
    yield store(f(kvm, KVM_FIELD.mmu_invalidate_range_end), KIND.kvm, INVALID_GPA, "kvm_mmu_invalidate_begin: kvm->mmu_invalidate_range_end = INVALID_GPA");
  }
}

/** kvm_mmu_invalidate_range_add(kvm, start, end) (mmu_lock held for write): widen the recorded range. */
export function* kvm_mmu_invalidate_range_add(kvm: Kvm, start: number, end: number): KGen<void> {
  const who = "kvm_mmu_invalidate_range_add";
  if (!(yield load(f(kvm, KVM_FIELD.mmu_invalidate_in_progress), KIND.kvm, `${who}: WARN_ON_ONCE(!kvm->mmu_invalidate_in_progress)`))) {
    yield warn(`${who}: WARN_ON_ONCE(!kvm->mmu_invalidate_in_progress)`);
  }
  const s = yield load(f(kvm, KVM_FIELD.mmu_invalidate_range_start), KIND.kvm, `${who}: load kvm->mmu_invalidate_range_start`);
  if (s === INVALID_GPA) {
    yield store(f(kvm, KVM_FIELD.mmu_invalidate_range_start), KIND.kvm, start, `${who}: kvm->mmu_invalidate_range_start = start`);
    yield store(f(kvm, KVM_FIELD.mmu_invalidate_range_end), KIND.kvm, end, `${who}: kvm->mmu_invalidate_range_end = end`);
    return;
  }
  const e = yield load(f(kvm, KVM_FIELD.mmu_invalidate_range_end), KIND.kvm, `${who}: load kvm->mmu_invalidate_range_end`);
  yield store(f(kvm, KVM_FIELD.mmu_invalidate_range_start), KIND.kvm, Math.min(s, start), `${who}: range_start = min(range_start, start)`);
  yield store(f(kvm, KVM_FIELD.mmu_invalidate_range_end), KIND.kvm, Math.max(e, end), `${who}: range_end = max(range_end, end)`);
}

/** kvm_mmu_invalidate_end (mmu_lock held for write): bump the sequence, then drop the count. */
export function* kvm_mmu_invalidate_end(kvm: Kvm): KGen<void> {
  const who = "kvm_mmu_invalidate_end";
  const seq = yield load(f(kvm, KVM_FIELD.mmu_invalidate_seq), KIND.kvm, `${who}: kvm->mmu_invalidate_seq++ (load)`);
  yield store(f(kvm, KVM_FIELD.mmu_invalidate_seq), KIND.kvm, seq + 1, `${who}: kvm->mmu_invalidate_seq++ (store)`);
  const n = yield load(f(kvm, KVM_FIELD.mmu_invalidate_in_progress), KIND.kvm, `${who}: kvm->mmu_invalidate_in_progress-- (load)`);
  yield store(f(kvm, KVM_FIELD.mmu_invalidate_in_progress), KIND.kvm, n - 1, `${who}: kvm->mmu_invalidate_in_progress-- (store)`);
  if (n - 1 < 0) yield warn(`${who}: KVM_BUG_ON(kvm->mmu_invalidate_in_progress < 0)`);
}

/** The fault's snapshot: fault->mmu_seq = kvm->mmu_invalidate_seq (before the pfn lookup, without mmu_lock). */
export function* kvm_mmu_fault_mmu_seq(kvm: Kvm): KGen<number> {
  return yield load(f(kvm, KVM_FIELD.mmu_invalidate_seq), KIND.kvm, "kvm_mmu_faultin_pfn: fault->mmu_seq = kvm->mmu_invalidate_seq");
}

/** mmu_invalidate_retry_gfn(kvm, mmu_seq, gfn) (mmu_lock held): must the fault retry? */
export function* mmu_invalidate_retry_gfn(kvm: Kvm, mmu_seq: number, gfn: number): KGen<boolean> {
  const who = "mmu_invalidate_retry_gfn";
  if (yield load(f(kvm, KVM_FIELD.mmu_invalidate_in_progress), KIND.kvm, `${who}: kvm->mmu_invalidate_in_progress`)) {
    const s = yield load(f(kvm, KVM_FIELD.mmu_invalidate_range_start), KIND.kvm, `${who}: kvm->mmu_invalidate_range_start`);
    const e = yield load(f(kvm, KVM_FIELD.mmu_invalidate_range_end), KIND.kvm, `${who}: kvm->mmu_invalidate_range_end`);
    if (s === INVALID_GPA || e === INVALID_GPA) {
      yield warn(`${who}: WARN_ON_ONCE(range_start == INVALID_GPA || range_end == INVALID_GPA)`);
      return true;
    }
    if (gfn >= s && gfn < e) return true;
  }
  return (yield load(f(kvm, KVM_FIELD.mmu_invalidate_seq), KIND.kvm, `${who}: kvm->mmu_invalidate_seq != mmu_seq`)) !== mmu_seq;
}
