/**
 * The kernel's locking, tracking and debugging calls, written as the engine's
 * generic steps (runtime/step.ts). The engine knows none of these names; the
 * checker recognises the ghost calls by their function (`Step.fn`, the label's
 * part before ": "), and every label names the caller after it.
 *
 *   write_lock / write_unlock(&kvm->mmu_lock)       lock 0 (every writer in this subject takes it for write)
 *   preempt_disable / preempt_enable                 ghost calls: the checker keeps each thread's count
 *   lockdep_assert_held_write(&kvm->mmu_lock)        ghost: the checker asserts it (RMAP-LOCK-CTX)
 *   lockdep_assert_preemption_disabled               ghost: the checker asserts it (RMAP-LOCK-CTX)
 *   kvm_flush_remote_tlbs                            wait_regions: waits for every vCPU to leave guest
 *                                                    mode or a lockless page-table walk; a full barrier
 *   walk_shadow_page_lockless_begin / _end, guest entry / exit   region_enter / region_exit
 *   srcu_read_lock / srcu_read_unlock(&kvm->srcu)    the engine's SRCU
 */
import { ghost, regionEnter, regionExit, spinLock, spinUnlock, type Step, waitRegions } from "../../runtime/step";

export const write_lock = (who: string): Step => spinLock(`${who}: write_lock(&kvm->mmu_lock)`);
export const write_unlock = (who: string): Step => spinUnlock(`${who}: write_unlock(&kvm->mmu_lock)`);
export const preempt_disable = (who: string): Step => ghost(0, `preempt_disable: in ${who}`);
export const preempt_enable = (who: string): Step => ghost(0, `preempt_enable: in ${who}`);
export const lockdep_assert_held_write = (who: string): Step => ghost(0, `lockdep_assert_held_write: &kvm->mmu_lock in ${who}`);
export const lockdep_assert_preemption_disabled = (who: string): Step => ghost(0, `lockdep_assert_preemption_disabled: in ${who}`);
export const kvm_flush_remote_tlbs = (who: string): Step => waitRegions(`${who}: kvm_flush_remote_tlbs`);
export const guest_mode_enter = (who: string): Step => regionEnter(`${who}: enter guest mode`);
export const guest_mode_exit = (who: string): Step => regionExit(`${who}: exit guest mode`);
export const walk_shadow_page_lockless_begin = (who: string): Step => regionEnter(`${who}: walk_shadow_page_lockless_begin`);
export const walk_shadow_page_lockless_end = (who: string): Step => regionExit(`${who}: walk_shadow_page_lockless_end`);
