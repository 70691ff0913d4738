/**
 * The rmap lock (mmu.c, 6.15: 4834eaded91e, bb6c7749ccee; spec §2.1-2.3): a
 * bit-spinlock in bit 1 of rmap_head->val.
 *
 * About rmap_head encoding: 0 is empty; bit 0 clear: the word is the only
 * sptep; bit 0 set (KVM_RMAP_MANY): val & ~KVM_RMAP_MANY is the head struct
 * pte_list_desc. KVM_RMAP_LOCKED (bit 1) is set only while a task holds the
 * lock. "Other than the KVM_RMAP_LOCKED flag, modifications to rmap entries
 * must be done while holding mmu_lock for write"; a walker without mmu_lock
 * locks in read-only mode and never changes the pointer part. The list's new
 * value and the unlock are one release store (9fb13ba6b5ff: "read and write
 * rmap_head->val exactly once").
 *
 * On x86 the acquire cmpxchg is LOCK CMPXCHG and the release store a plain
 * MOV: the engine's cmpxchg and store (buffered under x86-TSO).
 */
import { cmpxchg, type KGen, load, store, waitClear, warn } from "../../runtime/step";
import { KIND, type Kvm } from "./kvm";
import { lockdep_assert_held_write, lockdep_assert_preemption_disabled, preempt_disable, preempt_enable } from "./steps";

export const KVM_RMAP_MANY = 1 << 0;
export const KVM_RMAP_LOCKED = 1 << 1;

/**
 * The spin of __kvm_rmap_lock: while (old_val & KVM_RMAP_LOCKED) { cpu_relax();
 * old_val = atomic_long_read(&rmap_head->val); } (re-read after the PAUSE, B1).
 * One blocking step: the thread is not runnable while the bit is set.
 * DEVIATION: a function of its own so that a mutant can replace the spin alone.
 */
export function* __kvm_rmap_lock_spin(kvm: Kvm, rmap_head: number, old_val: number): KGen<number> {
  if (!(old_val & KVM_RMAP_LOCKED)) return old_val;
  return yield waitClear(rmap_head, KIND.rmapHead, KVM_RMAP_LOCKED, "__kvm_rmap_lock: while (old_val & KVM_RMAP_LOCKED) cpu_relax(), re-read");
}

/**
 * "Recheck for an empty rmap, it may have been purged by the task that held
 * the lock." DEVIATION: the test is a function of its own so that a mutant
 * can drop the recheck alone (spec §5.4 K1).
 */
export function __kvm_rmap_lock_recheck_empty(kvm: Kvm, old_val: number): boolean {
  return !old_val;
}

/**
 * __kvm_rmap_lock: take the lock and return the list's value without LOCKED,
 * or 0 without locking when the rmap is empty (the lock is elided: lockless
 * walkers can't walk an empty rmap, and the only paths that process empty
 * rmaps hold mmu_lock for write). Never returns 0 having locked.
 */
export function* __kvm_rmap_lock(kvm: Kvm, rmap_head: number): KGen<number> {
  yield lockdep_assert_preemption_disabled("__kvm_rmap_lock");
  let old_val = yield load(rmap_head, KIND.rmapHead, "__kvm_rmap_lock: old_val = atomic_long_read(&rmap_head->val)");
  if (!old_val) return 0;
  for (;;) {
    old_val = yield* kvm.sym.__kvm_rmap_lock_spin(kvm, rmap_head, old_val);
    if (kvm.sym.__kvm_rmap_lock_recheck_empty(kvm, old_val)) return 0;
    const new_val = old_val | KVM_RMAP_LOCKED;
    const found = yield cmpxchg(rmap_head, KIND.rmapHead, old_val, new_val, "__kvm_rmap_lock: atomic_long_try_cmpxchg_acquire(&rmap_head->val, &old_val, old_val | KVM_RMAP_LOCKED)");
    if (found === old_val) return old_val;
    old_val = found;
  }
}

/** kvm_rmap_lock: for mmu_lock writers (preemption is off: the rwlock is held). */
export function* kvm_rmap_lock(kvm: Kvm, rmap_head: number): KGen<number> {
  yield lockdep_assert_held_write("kvm_rmap_lock");
  return yield* kvm.sym.__kvm_rmap_lock(kvm, rmap_head);
}

/** __kvm_rmap_unlock: the release store of the list's value, which must not carry LOCKED. */
export function* __kvm_rmap_unlock(kvm: Kvm, rmap_head: number, val: number): KGen<void> {
  if (val & KVM_RMAP_LOCKED) yield warn("__kvm_rmap_unlock: KVM_MMU_WARN_ON(val & KVM_RMAP_LOCKED)");
  yield store(rmap_head, KIND.rmapHead, val, "__kvm_rmap_unlock: atomic_long_set_release(&rmap_head->val, val)");
}

/** kvm_rmap_unlock: publishes the writer's new list and releases the lock, in one store. */
export function* kvm_rmap_unlock(kvm: Kvm, rmap_head: number, new_val: number): KGen<void> {
  yield lockdep_assert_held_write("kvm_rmap_unlock");
  yield* kvm.sym.__kvm_rmap_unlock(kvm, rmap_head, new_val);
}

/** kvm_rmap_get: atomic_long_read(&rmap_head->val) & ~KVM_RMAP_LOCKED (no ordering of its own). */
export function* kvm_rmap_get(kvm: Kvm, rmap_head: number): KGen<number> {
  return (yield load(rmap_head, KIND.rmapHead, "kvm_rmap_get: atomic_long_read(&rmap_head->val)")) & ~KVM_RMAP_LOCKED;
}

/**
 * kvm_rmap_lock_readonly: without mmu_lock. Preemption must be disabled
 * *before* taking the bitlock (B2), and is re-enabled at once when the lock
 * was elided.
 */
export function* kvm_rmap_lock_readonly(kvm: Kvm, rmap_head: number): KGen<number> {
  yield preempt_disable("kvm_rmap_lock_readonly");
  const rmap_val = yield* kvm.sym.__kvm_rmap_lock(kvm, rmap_head);
  if (!rmap_val) yield preempt_enable("kvm_rmap_lock_readonly");
  return rmap_val;
}

/**
 * kvm_rmap_unlock_readonly: a no-op when the lock was elided (writing back 0
 * would clobber a concurrent 0 -> non-0 add, B5); else the same release store
 * of the unchanged value, then preempt_enable.
 * DEVIATION (U3, issue 20): KVM_MMU_WARN_ON evaluates its condition only with
 * CONFIG_KVM_PROVE_MMU; a production kernel does not read val here. The
 * checker runs a PROVE_MMU kernel (as it runs lockdep's asserts): one more
 * load of val under the lock, which no other thread can change then.
 */
export function* kvm_rmap_unlock_readonly(kvm: Kvm, rmap_head: number, old_val: number): KGen<void> {
  if (!old_val) return;
  if (old_val !== (yield* kvm.sym.kvm_rmap_get(kvm, rmap_head))) yield warn("kvm_rmap_unlock_readonly: KVM_MMU_WARN_ON(old_val != kvm_rmap_get(rmap_head))");
  yield* kvm.sym.__kvm_rmap_unlock(kvm, rmap_head, old_val);
  yield preempt_enable("kvm_rmap_unlock_readonly");
}
