/**
 * Mutants of the 3.11 fast invalidation (design merged-3.11, impl/zap_obsolete.ts):
 * the generation bump and reload, the lock-break's restart, the obsolete-page
 * test of kvm_mmu_get_page.
 */
import { type KGen, load, spinLock, spinUnlock, store } from "../../runtime/step";
import { fieldOf, KVM, type Kvm, MMU_PAGE } from "../kvm";
import type { Overrides } from "../symbols";

/** merged-no-reload: mmu_valid_gen is bumped, but no kvm_reload_remote_mmus follows. */
export const bump_without_reload: Overrides = () => ({
  *kvm_mmu_bump_valid_gen(kvm: Kvm, who: string): KGen<void> {
    const gen = yield load(kvm.field(KVM.mmu_valid_gen), "kvm", `${who}: load kvm->arch.mmu_valid_gen`);
    yield store(kvm.field(KVM.mmu_valid_gen), "kvm", gen + 1, `${who}: kvm->arch.mmu_valid_gen++`);
  },
});

/** merged-bump-unlocked: mmu_lock is dropped around the bump and the reload. */
export const bump_unlocked: Overrides = (base) => ({
  *kvm_mmu_bump_valid_gen(kvm: Kvm, who: string): KGen<void> {
    yield spinUnlock(`${who}: spin_unlock(mmu_lock)`);
    yield* base.kvm_mmu_bump_valid_gen(kvm, who);
    yield spinLock(`${who}: spin_lock(mmu_lock)`);
  },
});

/** zap-obsolete-no-restart: after a lock-break the walk goes on with the page it held before the break. */
export const lock_break_without_restart: Overrides = (base) => ({
  *kvm_zap_obsolete_lock_break(kvm: Kvm, batch: number): KGen<boolean> {
    yield* base.kvm_zap_obsolete_lock_break(kvm, batch);
    return false;
  },
});

/** get-page-reuses-obsolete: kvm_mmu_get_page skips role.invalid pages but not obsolete ones (the 3.11 test missing). */
export const get_page_reuses_obsolete: Overrides = () => ({
  *kvm_mmu_get_page_can_reuse(kvm: Kvm, sp: number): KGen<boolean> {
    return !(yield load(fieldOf(sp, MMU_PAGE.invalid), "mmu_page", "kvm_mmu_get_page: load sp->role.invalid"));
  },
});
