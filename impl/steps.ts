/**
 * The kernel's synchronisation and tracking calls, written as the engine's
 * generic steps (runtime/step.ts). The engine knows none of these names; the
 * checker recognises the ghost calls by their function (`Step.fn`).
 *
 *   kvm_flush_remote_tlbs, kvm_reload_remote_mmus   wait_regions: an IPI to every vCPU,
 *       which waits until none is in guest mode or in a lockless walk; a full barrier
 *   walk_shadow_page_lockless_begin / _end, guest entry / exit   region_enter / region_exit
 *   kvm_put_kvm's last reference (every vCPU has exited)        wait_joined
 *   kvm_set_pfn_accessed / kvm_set_pfn_dirty                    ghost calls with the pfn
 *   the CPU's page walk setting A (and D)                        or_if: atomically, if present
 *       (and writable, for a write), OR in the bits
 *   srcu_read_lock(&kvm->srcu), (&kvm->irq_srcu)                 read sections of SRCU domains KVM_SRCU,
 *       KVM_IRQ_SRCU (runtime/deferral.ts); a design's own srcu_struct takes another number
 *       (impl/alt_fix1.ts RMAP_SRCU); call_srcu / call_rcu / schedule_work are runtime/deferral.ts's steps
 */
import { ghost, orIf, regionEnter, regionExit, type Step, waitJoined, waitRegions } from "../runtime/step";
import { PT_PRESENT_MASK, PT_WRITABLE_MASK } from "./spte_bits";

export const flushRemoteTlbs = (label: string): Step => waitRegions(label);
export const reloadRemoteMmus = (label: string): Step => waitRegions(label);
export const locklessBegin = (label: string): Step => regionEnter(label);
export const locklessEnd = (label: string): Step => regionExit(label);
export const waitVcpusExit = (label: string): Step => waitJoined(label);
/** The label's function must be kvm_set_pfn_accessed: the checker recognises the call by it. */
export const setPfnAccessed = (pfn: number): Step => ghost(pfn, "kvm_set_pfn_accessed");
export const setPfnDirty = (pfn: number): Step => ghost(pfn, "kvm_set_pfn_dirty");
/** The page walker's A/D update: one atomic step that re-checks presence (and W for a write). */
export const hwWalk = (addr: number, bits: number, needWritable: boolean, label: string): Step =>
  orIf(addr, "spt", PT_PRESENT_MASK | (needWritable ? PT_WRITABLE_MASK : 0), bits, label);

/** The engine's SRCU domain of kvm->srcu (the default domain of srcuReadLock). */
export const KVM_SRCU = 0;
/** The engine's SRCU domain of kvm->irq_srcu. */
export const KVM_IRQ_SRCU = 1;
