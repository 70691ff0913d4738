/**
 * A world of the lockless subject: the simulated VM built for a variant, the
 * machine that runs it, and the model's constants for the same configuration.
 * Configurations are plain data, saved in counterexample files.
 */
import type { LocklessKvmConfig, LocklessSlotConfig } from "../../impl/lockless/config";
import { Kvm } from "../../impl/lockless/kvm";
import type { Geometry, Slot } from "../../model/lockless/state";
import { Machine, type MachineOptions } from "../../runtime/machine";
import type { Thread } from "../../runtime/thread";
import type { LocklessVariant } from "./variants";

export interface LocklessConfig {
  kvm: LocklessKvmConfig;
  slot: LocklessSlotConfig;
}

export interface LocklessWorld {
  readonly cfg: LocklessConfig;
  readonly variant: LocklessVariant;
  readonly kvm: Kvm;
  readonly machine: Machine;
  readonly geo: Geometry;
  readonly slot: Slot;
}

/** The model's constants for a configuration. */
export function modelGeometry(k: LocklessKvmConfig): Geometry {
  return {
    levelShift: k.levelShift,
    maxLevel: k.KVM_MAX_HUGEPAGE_LEVEL,
    sptesPerPage: k.sptesPerPage,
    kvmAdEnabled: k.kvm_ad_enabled,
    dirtyLogging: k.dirtyLogging,
    pml: k.pml,
    recycleThreshold: k.RMAP_RECYCLE_THRESHOLD,
    tdpMmuEnabled: k.tdp_mmu_enabled === true,
    nestedEptAd: k.nested_ept_ad_enabled === true,
    ...(k.KVM_X86_QUIRK_SLOT_ZAP_ALL === false ? { slotZapAll: false } : {}),
    ...(k.eager_page_split === true ? { eagerPageSplit: true } : {}),
  };
}

/**
 * `memslotUpdates`: the run changes the slot's flags (a log_dirty_pages
 * operation in a concurrent trace), so the vCPU's kvm->srcu section and its
 * pick-up of the slot are steps (impl/lockless/vcpu_srcu.ts); "delete": it
 * deletes the slot (delete_memslot), and the mmu_notifier callers pick the
 * slot up too (impl/lockless/mmu_notifier.ts).
 */
export function makeLocklessWorld(cfg: LocklessConfig, variant: LocklessVariant, threads: Thread[] = [], opts: MachineOptions = {}, memslotUpdates: boolean | "delete" = false): LocklessWorld {
  const kvm = new Kvm(cfg.kvm, variant.symbols, cfg.slot, memslotUpdates);
  const machine = new Machine(kvm.mem, threads, opts);
  return { cfg, variant, kvm, machine, geo: modelGeometry(cfg.kvm), slot: { ...cfg.slot } };
}
