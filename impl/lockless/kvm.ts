/**
 * struct kvm, the memslot and struct kvm_mmu_page of the 6.15 shadow MMU, over
 * the simulated memory, one word per field (offsets are word indexes).
 *
 * DEVIATION (every function in impl/lockless/): each kernel function takes the
 * simulated VM `kvm` first, also where the kernel reaches the same state
 * through a vCPU, a global or its other arguments; calls between kernel
 * functions go through `kvm.sym`, so a design or a mutant replaces one symbol.
 * DEVIATION: one memslot, created before any thread runs. It may be deleted
 * (KVM_MR_DELETE, impl/lockless/memslot_delete.ts), once, and is never
 * created again. Its flags change (KVM_MEM_LOG_DIRTY_PAGES, impl/lockless/memslot_flags.ts)
 * as the kernel changes them: a copy of the slot with the new flags is
 * published through kvm->memslots (the word `memslots`, allocated only in a
 * run that changes the flags: Kvm's `memslot_updates`), and the vCPU picks
 * the slot up from that word inside its kvm->srcu read section.
 * DEVIATION: a memslot's flags are kept as its object's tag, not as a word:
 * they never change once the slot is published (the kernel's slot->flags
 * neither), and the slot's layout, and every address after it, stay the
 * ones earlier traces were recorded with.
 * With tdp_mmu_enabled the TDP MMU is a stub (impl/lockless/tdp_mmu.ts).
 * DEVIATION: the memslot's rmaps are allocated with the slot also with the TDP
 * MMU, where the kernel allocates them at the first shadow root
 * (mmu_first_shadow_root_alloc); until shadow_root_allocated they stay empty.
 */
import { Memory, WORD_BYTES } from "../../runtime/memory";
import type { ObjKind } from "../../runtime/step";
import type { LocklessKvmConfig, LocklessSlotConfig } from "./config";
import type { LocklessSymbols } from "./symbols";

/** Object kinds the code names on every access. */
export const KIND = {
  kvm: "kvm",
  memslot: "kvm_memory_slot",
  rmapHead: "kvm_rmap_head", // one array per level; tag = level
  dirtyBitmap: "dirty_bitmap",
  mmuPage: "kvm_mmu_page",
  spt: "spt", // tag = the kvm_mmu_page's address
  desc: "pte_list_desc",
  tdpSpte: "tdp_mmu_spte", // the TDP MMU stub's one word per gfn of the slot
  memslots: "kvm_memslots", // kvm->memslots[0]: the active slot (runs that change the slot's flags only)
} as const satisfies Record<string, ObjKind>;

/**
 * struct kvm: kvm->arch.indirect_shadow_pages (read by the aging gate),
 * kvm->arch.shadow_root_allocated (kvm_memslots_have_rmaps), and the
 * mmu_notifier invalidation state (mmu_invalidate.ts).
 */
export const KVM_FIELD = {
  indirect_shadow_pages: 0,
  shadow_root_allocated: 1,
  mmu_invalidate_seq: 2,
  mmu_invalidate_in_progress: 3,
  mmu_invalidate_range_start: 4,
  mmu_invalidate_range_end: 5,
  WORDS: 6,
} as const;

/** struct kvm_memory_slot with slot->arch.rmap[level - PG_LEVEL_4K] at rmap0 + level - 1. */
export const MEMSLOT = { base_gfn: 0, npages: 1, userspace_addr: 2, dirty_bitmap: 3, rmap0: 4 } as const;

/** struct kvm_mmu_page: sp->gfn, sp->role.{level, quadrant, direct, ad_disabled}, sp->spt. */
export const MMU_PAGE = { gfn: 0, level: 1, quadrant: 2, direct: 3, ad_disabled: 4, spt: 5, id: 6, WORDS: 7 } as const;

export const PG_LEVEL_4K = 1;

/** KVM_MEM_LOG_DIRTY_PAGES (include/uapi/linux/kvm.h): bit 0 of struct kvm_memory_slot's flags. */
export const KVM_MEM_LOG_DIRTY_PAGES = 1 << 0;

/** KVM_MEMSLOT_INVALID (include/linux/kvm_host.h): the slot is being deleted or moved. */
export const KVM_MEMSLOT_INVALID = 1 << 16;

export class Kvm {
  readonly mem = new Memory();
  readonly addr: number;
  /** The memslot's address. */
  readonly slot: number;
  /** kvm->arch.active_mmu_pages (newest first); touched only under mmu_lock. DEVIATION: a host list, not simulated memory. */
  readonly active_mmu_pages: number[] = [];
  nextSpId = 1;
  /** The TDP MMU stub's words, one per gfn of the slot (0 without the TDP MMU). */
  readonly tdp_sptes: number;
  /**
   * The gfns the stub's words stand for: the slot's at creation. DEVIATION: the
   * TDP MMU's page tables are indexed by gpa, not through a memslot, so the stub
   * keeps its own copy of the range instead of reading the slot object (which a
   * KVM_MR_DELETE frees while faults may still run).
   */
  readonly tdp_gfns: { readonly base: number; readonly npages: number };
  /**
   * kvm->memslots[0], the word the active slot is published in (rcu_assign_pointer)
   * and read from (srcu_dereference); 0 in a run whose slot never changes, where the
   * slot is `slot` and the vCPU reads it without a step and without kvm->srcu.
   */
  memslots = 0;
  /**
   * The run may delete the slot (a delete_memslot operation): the
   * mmu_notifier callers then pick the slot up from kvm->memslots inside
   * their kvm->srcu section, as the kernel's kvm_handle_hva_range does.
   * DEVIATION: in a run that does not delete it they reach the slot through
   * `slot` without a step (the slot they would find has the same gfns, hvas
   * and rmaps), so that earlier traces keep their steps.
   */
  memslot_deletable = false;
  /**
   * Whether kvm->arch.split_desc_cache, split_page_header_cache and
   * split_shadow_page_cache have been topped up (eager_split.ts). DEVIATION:
   * a flag for the three caches' object counts; false at VM creation, as the
   * kernel's caches are empty then.
   */
  split_caches_filled = false;

  /**
   * `memslot_updates`: the run changes the slot's flags (a log_dirty_pages
   * operation), so the vCPU's kvm->srcu read section and its pick-up of the
   * slot are steps. DEVIATION: without it they are not simulated: the run has
   * no synchronize_srcu for them to order with, and the slot never changes.
   */
  constructor(readonly cfg: LocklessKvmConfig, readonly sym: LocklessSymbols, slot: LocklessSlotConfig, memslot_updates: boolean | "delete" = false) {
    this.addr = this.mem.alloc(KIND.kvm, KVM_FIELD.WORDS).base;
    this.slot = kvm_arch_create_memslot(this, slot);
    this.tdp_sptes = cfg.tdp_mmu_enabled ? this.mem.alloc(KIND.tdpSpte, slot.npages).base : 0;
    this.tdp_gfns = { base: slot.baseGfn, npages: slot.npages };
    if (memslot_updates) kvm_memslots_alloc(this);
    this.memslot_deletable = memslot_updates === "delete";
  }

  field(off: number): number {
    return this.addr + off * WORD_BYTES;
  }
}

/** Address of word `off` of the structure at `base`. */
export const fieldOf = (base: number, off: number): number => base + off * WORD_BYTES;

/** Read a field that never changes once its object is set up (no scheduling point; liveness still checked). */
export function fixed_field(kvm: Kvm, base: number, off: number, kind: ObjKind): number {
  return kvm.mem.read(fieldOf(base, off), kind, "fixed field");
}

/**
 * Initialise a field of an object nobody else can reach yet. DEVIATION: a
 * direct write, not a step (no other thread can observe it).
 */
export function init_field(kvm: Kvm, base: number, off: number, kind: ObjKind, val: number): void {
  kvm.mem.write(fieldOf(base, off), kind, val, "init_field");
}

/** gfn_to_index(gfn, base_gfn, level) */
export function gfn_to_index(kvm: Kvm, gfn: number, base_gfn: number, level: number): number {
  const s = (level - 1) * kvm.cfg.levelShift;
  return (gfn >> s) - (base_gfn >> s);
}

/** KVM_PAGES_PER_HPAGE(level) */
export const KVM_PAGES_PER_HPAGE = (kvm: Kvm, level: number): number => 1 << ((level - 1) * kvm.cfg.levelShift);

/**
 * kvm_arch_create_memslot + memslot_rmap_alloc: the slot, its rmap arrays
 * (zeroed heads) and, when dirty-logged, its bitmap. DEVIATION: the bitmap
 * has one word per page; set up before any thread runs, so no steps.
 */
function kvm_arch_create_memslot(kvm: Kvm, cfg: LocklessSlotConfig): number {
  const maxLevel = kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL;
  const slot = kvm.mem.alloc(KIND.memslot, MEMSLOT.rmap0 + maxLevel).base;
  init_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot, cfg.baseGfn);
  init_field(kvm, slot, MEMSLOT.npages, KIND.memslot, cfg.npages);
  init_field(kvm, slot, MEMSLOT.userspace_addr, KIND.memslot, cfg.userspaceAddr);
  for (let level = 1; level <= maxLevel; level++) {
    const n = gfn_to_index(kvm, cfg.baseGfn + cfg.npages - 1, cfg.baseGfn, level) + 1;
    init_field(kvm, slot, MEMSLOT.rmap0 + level - 1, KIND.memslot, kvm.mem.alloc(KIND.rmapHead, n, level).base);
  }
  if (kvm.cfg.dirtyLogging) init_field(kvm, slot, MEMSLOT.dirty_bitmap, KIND.memslot, kvm.mem.alloc(KIND.dirtyBitmap, cfg.npages).base);
  kvm.mem.objectAt(slot)!.tag = kvm.cfg.dirtyLogging ? KVM_MEM_LOG_DIRTY_PAGES : 0;
  return slot;
}

/** Words of a struct kvm_memory_slot. */
export const memslotWords = (kvm: Kvm): number => MEMSLOT.rmap0 + kvm.cfg.KVM_MAX_HUGEPAGE_LEVEL;

/** Allocate kvm->memslots[0] holding the slot (before any thread runs, or by the first flags change of a sequential run). */
export function kvm_memslots_alloc(kvm: Kvm): void {
  if (kvm.memslots !== 0) return;
  kvm.memslots = kvm.mem.alloc(KIND.memslots, 1).base;
  kvm.mem.write(kvm.memslots, KIND.memslots, kvm.slot, "kvm_memslots_alloc");
}

/** slot->flags (see the DEVIATION above: the object's tag). */
export function memslot_flags(kvm: Kvm, slot: number): number {
  return kvm.mem.objectAt(slot)!.tag;
}

/**
 * kvm_slot_dirty_track_enabled(slot): slot->flags & KVM_MEM_LOG_DIRTY_PAGES;
 * false for no slot (slot 0), as its callers test (fast_page_fault's
 * `fault->slot &&`, mark_page_dirty_in_slot's `memslot &&`).
 */
export function kvm_slot_dirty_track_enabled(kvm: Kvm, slot: number): boolean {
  return slot !== 0 && (memslot_flags(kvm, slot) & KVM_MEM_LOG_DIRTY_PAGES) !== 0;
}

/**
 * The active slot, read by a caller that excludes every update of it (the
 * kernel: under kvm->slots_lock, as KVM_GET_DIRTY_LOG and the update itself
 * hold it). DEVIATION: no step (slots_lock is not simulated; the checker
 * refuses a trace that runs those callers beside a flags change).
 */
export function kvm_active_memslot(kvm: Kvm): number {
  return kvm.memslots === 0 ? kvm.slot : kvm.mem.read(kvm.memslots, KIND.memslots, "kvm->memslots under slots_lock");
}

/** Does the memslot `slot` (default: the one created first) hold gfn (kvm_vcpu_gfn_to_memslot finds it)? No slot (0) holds none. */
export function gfn_in_slot(kvm: Kvm, gfn: number, slot = kvm.slot): boolean {
  if (slot === 0) return false;
  const base = fixed_field(kvm, slot, MEMSLOT.base_gfn, KIND.memslot);
  return gfn >= base && gfn < base + fixed_field(kvm, slot, MEMSLOT.npages, KIND.memslot);
}
