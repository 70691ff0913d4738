/**
 * Mutants of the rmap lock and the lockless ager that only an interleaving
 * shows (issue 20): each is one plausible misreading of a 6.15 function of
 * mmu.c, and neither a sequential run nor a schedule without a preemption
 * reaches the state it breaks (docs/mutants.md, "Mutants that need a race",
 * gives each one's fewest preemptions from the exhaustive mode).
 */
import { cmpxchg, type KGen, load, store } from "../../../runtime/step";
import { KIND, type Kvm } from "../kvm";
import { KVM_RMAP_LOCKED } from "../rmap_lock";
import { is_accessed_spte, shadow_accessed_mask, spte_ad_enabled } from "../spte_bits";
import { lockdep_assert_held_write, lockdep_assert_preemption_disabled } from "../steps";
import type { LocklessOverrides } from "../symbols";

/**
 * zap-all-no-rmap-lock: kvm_zap_all_rmap_sptes reads the list with
 * kvm_rmap_get and publishes 0 with a plain store, without kvm_rmap_lock
 * ("mmu_lock is held for write, nobody else changes the list"): a lockless
 * ager holding the rmap lock is walking the descs this frees.
 */
export const zap_all_no_rmap_lock: LocklessOverrides = (base) => ({
  // The bug is in kvm_zap_all_rmap_sptes's calls of kvm_rmap_lock and kvm_rmap_unlock, which other callers
  // keep: the kernel's own function runs with those two calls replaced, not a copy of it.
  *kvm_zap_all_rmap_sptes(kvm: Kvm, rmap_head: number): KGen<boolean> {
    return yield* base.kvm_zap_all_rmap_sptes(withSymbols(kvm, { kvm_rmap_lock: rmap_get_no_lock, kvm_rmap_unlock: rmap_set_no_lock }), rmap_head);
  },
});

/** kvm_rmap_lock as the mutant misreads it: mmu_lock held for write, the list read with kvm_rmap_get. */
function* rmap_get_no_lock(kvm: Kvm, rmap_head: number): KGen<number> {
  yield lockdep_assert_held_write("kvm_rmap_lock");
  return yield* kvm.sym.kvm_rmap_get(kvm, rmap_head);
}

/** kvm_rmap_unlock as the mutant misreads it: the new value published with a plain store. */
function* rmap_set_no_lock(_kvm: Kvm, rmap_head: number, new_val: number): KGen<void> {
  yield store(rmap_head, KIND.rmapHead, new_val, "kvm_zap_all_rmap_sptes: atomic_long_set(&rmap_head->val, 0) (no rmap lock)");
}

/** kvm seen with some symbols replaced (everything else, writes included, goes to kvm itself). */
function withSymbols(kvm: Kvm, over: Partial<Kvm["sym"]>): Kvm {
  const sym = { ...kvm.sym, ...over };
  return new Proxy(kvm, { get: (target, prop) => (prop === "sym" ? sym : Reflect.get(target, prop, target)) });
}

/**
 * lock-retry-skips-spin: __kvm_rmap_lock waits for KVM_RMAP_LOCKED only
 * before its first cmpxchg; when the cmpxchg fails, it retries at once with
 * the value the failed try_cmpxchg wrote back into old_val. If that value is
 * locked, `old_val | KVM_RMAP_LOCKED` equals it and the cmpxchg "succeeds":
 * two holders. (The kernel's spin is inside the do-while.)
 */
export const lock_retry_skips_spin: LocklessOverrides = () => ({
  *__kvm_rmap_lock(kvm: Kvm, rmap_head: number): KGen<number> {
    yield lockdep_assert_preemption_disabled("__kvm_rmap_lock");
    let old_val = yield load(rmap_head, KIND.rmapHead, "__kvm_rmap_lock: old_val = atomic_long_read(&rmap_head->val)");
    if (!old_val) return 0;
    old_val = yield* kvm.sym.__kvm_rmap_lock_spin(kvm, rmap_head, old_val);
    for (;;) {
      if (!old_val) return 0;
      const found = yield cmpxchg(rmap_head, KIND.rmapHead, old_val, old_val | KVM_RMAP_LOCKED, "__kvm_rmap_lock: try_cmpxchg_acquire(&rmap_head->val, &old_val, old_val | LOCKED) (retry without the spin)");
      if (found === old_val) return old_val & ~KVM_RMAP_LOCKED;
      old_val = found;
    }
  },
});

/**
 * writer-lock-plain-store: kvm_rmap_lock (mmu_lock held for write) sets
 * KVM_RMAP_LOCKED with a load and a plain store, "mmu_lock already excludes
 * every other writer": a lockless reader's cmpxchg between the two is
 * overwritten and both hold the lock.
 */
export const writer_lock_plain_store: LocklessOverrides = () => ({
  *kvm_rmap_lock(kvm: Kvm, rmap_head: number): KGen<number> {
    yield lockdep_assert_held_write("kvm_rmap_lock");
    let old_val = yield load(rmap_head, KIND.rmapHead, "kvm_rmap_lock: old_val = atomic_long_read(&rmap_head->val)");
    if (!old_val) return 0;
    old_val = yield* kvm.sym.__kvm_rmap_lock_spin(kvm, rmap_head, old_val);
    if (!old_val) return 0;
    yield store(rmap_head, KIND.rmapHead, old_val | KVM_RMAP_LOCKED, "kvm_rmap_lock: atomic_long_set(&rmap_head->val, old_val | LOCKED) (plain store)");
    return old_val;
  },
});

/**
 * readonly-lock-skips-contended: kvm_rmap_lock_readonly treats a locked rmap
 * like an empty one (a trylock: "the holder is changing it anyway"), so the
 * ager skips the rmap a fault is adding to and reports its young sptes old.
 */
export const readonly_lock_skips_contended: LocklessOverrides = (base) => ({
  *kvm_rmap_lock_readonly(kvm: Kvm, rmap_head: number): KGen<number> {
    if ((yield load(rmap_head, KIND.rmapHead, "kvm_rmap_lock_readonly: atomic_long_read(&rmap_head->val) (trylock)")) & KVM_RMAP_LOCKED) return 0;
    return yield* base.kvm_rmap_lock_readonly(kvm, rmap_head);
  },
});

/**
 * readonly-unlock-rechecks-val: kvm_rmap_unlock_readonly decides "the lock
 * was elided" from the rmap's current value instead of the old_val it was
 * handed; when a fault filled the empty rmap meanwhile, the unlock writes
 * back the 0 it read (B5, reachable only by a race here).
 */
export const readonly_unlock_rechecks_val: LocklessOverrides = (base) => ({
  *kvm_rmap_unlock_readonly(kvm: Kvm, rmap_head: number, old_val: number): KGen<void> {
    if (!(yield* kvm.sym.kvm_rmap_get(kvm, rmap_head))) return;
    if (old_val) yield* base.kvm_rmap_unlock_readonly(kvm, rmap_head, old_val);
    else yield* kvm.sym.__kvm_rmap_unlock(kvm, rmap_head, old_val);
  },
});

/**
 * age-unlocks-before-aging: kvm_rmap_age_gfn_range collects the accessed
 * sptes under the rmap lock, unlocks, then ages them ("SPTEs are not
 * protected by KVM_RMAP_LOCKED"). The lock is what keeps the shadow page
 * alive: a zap can drop the spte, take the lock to remove its entry and free
 * the page before the ager's clear_bit / cmpxchg lands.
 */
export const age_unlocks_before_aging: LocklessOverrides = () => ({
  *kvm_rmap_age_rmap(kvm: Kvm, rmap_head: number, test_only: boolean): KGen<boolean> {
    const rmap_val = yield* kvm.sym.kvm_rmap_lock_readonly(kvm, rmap_head);
    const found: Array<[number, number]> = [];
    yield* kvm.sym.for_each_rmap_spte_lockless(kvm, rmap_head, function* (sptep, spte) {
      if (is_accessed_spte(spte)) found.push([sptep, spte]);
      return false;
    });
    yield* kvm.sym.kvm_rmap_unlock_readonly(kvm, rmap_head, rmap_val);
    if (!test_only) for (const [sptep, spte] of found) yield* kvm.sym.kvm_rmap_age_spte(kvm, sptep, spte);
    return found.length > 0;
  },
});

/**
 * age-store-from-snapshot: the A/D-enabled ager writes its snapshot back
 * without A (`WRITE_ONCE(*sptep, spte & ~shadow_accessed_mask)`) instead of
 * clear_bit: a stale-snapshot restore. A write protection that lands between
 * the ager's read and its store is undone: W (and MMU-writable) come back.
 */
export const age_store_from_snapshot: LocklessOverrides = (base) => ({
  *kvm_rmap_age_spte(kvm: Kvm, sptep: number, spte: number): KGen<void> {
    if (!spte_ad_enabled(spte)) return yield* base.kvm_rmap_age_spte(kvm, sptep, spte);
    yield store(sptep, KIND.spt, spte & ~shadow_accessed_mask, "kvm_rmap_age_gfn_range: WRITE_ONCE(*sptep, spte & ~shadow_accessed_mask) (from the snapshot)");
  },
});

/**
 * age-at-retry-stale: the A/D-disabled ager retries a failed cmpxchg (v6 of
 * the series retried, B12) with the value the cmpxchg found as the expected
 * one but the access-tracked form of its first snapshot as the new one: the
 * retry saves R/X and keeps MMU-writable from a value a lock holder has
 * since write-protected, which a later fast page fault turns back into W.
 */
export const age_at_retry_stale: LocklessOverrides = (base) => ({
  *kvm_rmap_age_spte(kvm: Kvm, sptep: number, spte: number): KGen<void> {
    if (spte_ad_enabled(spte)) return yield* base.kvm_rmap_age_spte(kvm, sptep, spte);
    const new_spte = kvm.sym.mark_spte_for_access_track(spte);
    const found = yield* kvm.sym.cmpxchg64(kvm, sptep, spte, new_spte, "kvm_rmap_age_gfn_range");
    if (found !== spte && found !== 0) yield* kvm.sym.cmpxchg64(kvm, sptep, found, new_spte, "kvm_rmap_age_gfn_range (retry)");
  },
});
