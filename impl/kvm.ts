/**
 * struct kvm and the layouts of the structures the rmap layer touches, over the
 * simulated memory. One word per field; offsets are word indexes.
 *
 * DEVIATION (applies to every function in impl/): each kernel function takes
 * the simulated VM `kvm` as its first argument, also where the kernel reaches
 * the same state through globals or through its other arguments (for example
 * pte_list_remove(spte, pte_list) becomes pte_list_remove(kvm, spte, pte_list)).
 * Calls between kernel functions go through `kvm.sym`, the symbol table, so a
 * mutant can replace exactly one kernel function (see impl/mutants/).
 */
import { Memory, WORD_BYTES } from "../runtime/memory";
import type { ObjKind } from "../runtime/step";
import type { KvmConfig } from "./config";
import type { Symbols } from "./symbols";

/** struct kvm: the fields the series uses. */
export const KVM = {
  mmu_valid_gen: 0, // kvm->arch.mmu_valid_gen (patch 12)
  memslots: 1, // kvm->memslots (srcu-protected pointer)
  being_unmapped_rmap: 2, // kvm->arch.being_unmapped_rmap [R] (patch 08)
  WORDS: 3,
} as const;

/** struct kvm_memslots. DEVIATION: an array of pointers to slots, not embedded structs. */
export const MEMSLOTS = { nslots: 0, slot0: 1 } as const;
export const KVM_MEM_SLOTS_NUM = 4;

/** struct kvm_memory_slot with its arch part (rmap arrays and the series' ops pointer). */
export const MEMSLOT = {
  base_gfn: 0,
  npages: 1,
  flags: 2,
  ops: 3, // slot->arch.ops (patch 05): RMAP_OPS_NORMAL or RMAP_OPS_INVALID
  userspace_addr: 4, // in pages (hva >> PAGE_SHIFT)
  rmap0: 5, // slot->arch.rmap[0..KVM_NR_PAGE_SIZES-1]
  id: 8,
  WORDS: 9,
} as const;

/** include/linux/kvm_host.h v3.10 */
export const KVM_MEMSLOT_INVALID = 1 << 16;
export const KVM_NR_PAGE_SIZES = 3;
export const PT_PAGE_TABLE_LEVEL = 1;

/** Values of slot->arch.ops: which struct rmap_operations the slot points at. */
export const RMAP_OPS_NORMAL = 1;
export const RMAP_OPS_INVALID = 2;

/** struct kvm_mmu_page: the fields the rmap layer reads. */
export const MMU_PAGE = {
  gfn: 0,
  level: 1, // sp->role.level
  mmu_valid_gen: 2,
  invalid: 3, // sp->role.invalid
  spt: 4,
  id: 5,
  quadrant: 6, // sp->role.quadrant, see impl/mmu_page.ts
  WORDS: 7,
} as const;

export class Kvm {
  readonly mem = new Memory();
  /** Byte address of struct kvm. */
  readonly addr: number;
  /** kvm->arch.active_mmu_pages (newest first). Touched only under mmu_lock. DEVIATION: a host list, not simulated memory. */
  readonly active_mmu_pages: number[] = [];
  /**
   * kvm->arch.mmu_page_hash, by gfn: the pages of active_mmu_pages with that sp->gfn, newest first.
   * DEVIATION: a map by gfn, not a fixed-size hash table; a page leaves it when it leaves
   * active_mmu_pages (kvm_mmu_prepare_zap_page), not in kvm_mmu_free_page: role.invalid pages are
   * never reused, so kvm_mmu_get_page finds the same pages either way.
   */
  readonly mmu_page_hash = new Map<number, number[]>();
  /**
   * kvm->arch.zapped_obsolete_pages (3.11): pages kvm_zap_obsolete_pages has prepared, waiting
   * for its final kvm_mmu_commit_zap_page or for mmu_shrink. Touched only under mmu_lock.
   * DEVIATION: a host list, as active_mmu_pages.
   */
  readonly zapped_obsolete_pages: number[] = [];
  /** Next shadow-page id (sp->id is a simulation label, printed in traces). */
  nextSpId = 1;

  constructor(readonly cfg: KvmConfig, readonly sym: Symbols) {
    this.addr = this.mem.alloc("kvm", KVM.WORDS).base;
  }

  /** Address of a field of struct kvm. */
  field(off: number): number {
    return this.addr + off * WORD_BYTES;
  }
}

/**
 * Initialise a field of an object this thread has just allocated and nobody
 * else can reach yet (a new memslot, a kmemdup copy, a new memslots array, a
 * new shadow page header). DEVIATION: a direct write, not a step: no other
 * thread can observe it, so it is not an interleaving point. Liveness and
 * object kind are still checked.
 */
export function init_field(kvm: Kvm, base: number, off: number, kind: ObjKind, val: number): void {
  kvm.mem.write(fieldOf(base, off), kind, val, "init_field");
}

/** Address of word `off` of the structure at `base`. */
export function fieldOf(base: number, off: number): number {
  return base + off * WORD_BYTES;
}
