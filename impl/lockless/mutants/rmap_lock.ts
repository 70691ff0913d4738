/** Mutants of the rmap lock (spec §5.4 K1, K2, K8, B5 and neighbours), each replacing one small symbol of rmap_lock.ts. */
import { type KGen, load, store } from "../../../runtime/step";
import { KIND, type Kvm } from "../kvm";
import { KVM_RMAP_LOCKED } from "../rmap_lock";
import type { LocklessOverrides } from "../symbols";

/** K1: no "recheck for an empty rmap" after the spin: a reader locks an rmap its holder just emptied. */
export const lock_no_empty_recheck: LocklessOverrides = () => ({
  __kvm_rmap_lock_recheck_empty: (): boolean => false,
});

/** lock-spin-skipped: no wait for KVM_RMAP_LOCKED to clear: the cmpxchg "takes" a lock someone holds. */
export const lock_spin_skipped: LocklessOverrides = () => ({
  *__kvm_rmap_lock_spin(kvm: Kvm, rmap_head: number, old_val: number): KGen<number> {
    return old_val;
  },
});

/** K2: the writer releases the rmap lock right after taking it, then publishes its list with a second store (pre-9fb13ba6b5ff). */
export const writer_unlocks_early: LocklessOverrides = (base) => ({
  *kvm_rmap_lock(kvm: Kvm, rmap_head: number): KGen<number> {
    const old_val = yield* base.kvm_rmap_lock(kvm, rmap_head);
    if (old_val) yield* kvm.sym.__kvm_rmap_unlock(kvm, rmap_head, old_val);
    return old_val;
  },
});

/** K8 (B2): kvm_rmap_lock_readonly without preempt_disable. */
export const readonly_lock_preemptible: LocklessOverrides = () => ({
  kvm_rmap_lock_readonly: (kvm: Kvm, rmap_head: number): KGen<number> => kvm.sym.__kvm_rmap_lock(kvm, rmap_head),
});

/** B5: the readonly unlock writes back even when the lock was elided, clobbering a concurrent 0 -> non-0 add. */
export const readonly_unlock_writes_zero: LocklessOverrides = (base) => ({
  *kvm_rmap_unlock_readonly(kvm: Kvm, rmap_head: number, old_val: number): KGen<void> {
    if (old_val) yield* base.kvm_rmap_unlock_readonly(kvm, rmap_head, old_val);
    else yield* kvm.sym.__kvm_rmap_unlock(kvm, rmap_head, 0);
  },
});

/** unlock-keeps-locked: the unlock store leaves KVM_RMAP_LOCKED set. */
export const unlock_keeps_locked: LocklessOverrides = () => ({
  *__kvm_rmap_unlock(kvm: Kvm, rmap_head: number, val: number): KGen<void> {
    yield store(rmap_head, KIND.rmapHead, val | KVM_RMAP_LOCKED, "__kvm_rmap_unlock: atomic_long_set_release(&rmap_head->val, val | KVM_RMAP_LOCKED)");
  },
});

/** rmap-get-keeps-locked: kvm_rmap_get does not strip KVM_RMAP_LOCKED, so a walker under the lock decodes a tagged pointer. */
export const rmap_get_keeps_locked: LocklessOverrides = () => ({
  *kvm_rmap_get(kvm: Kvm, rmap_head: number): KGen<number> {
    return yield load(rmap_head, KIND.rmapHead, "kvm_rmap_get: atomic_long_read(&rmap_head->val) (LOCKED kept)");
  },
});
