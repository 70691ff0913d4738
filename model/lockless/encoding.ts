/**
 * The kernel encodings of the lockless subject, as the spec gives them, that
 * the checker decodes the implementation's memory with. Never taken from
 * impl/: a bug in impl/'s own encoding helpers then shows up as a difference
 * instead of being shared by the check. The model's state (state.ts) uses
 * none of this.
 */
import type { Spte } from "./state";

/** struct kvm_memory_slot's flags (include/uapi/linux/kvm.h): KVM_MEM_LOG_DIRTY_PAGES is bit 0. */
export const KVM_MEM_LOG_DIRTY_PAGES = 1 << 0;

/** rmap_head->val (spec §1.1 [C]): bit 0 KVM_RMAP_MANY, bit 1 KVM_RMAP_LOCKED; 0 is empty. */
export const KVM_RMAP_MANY = 1;
export const KVM_RMAP_LOCKED = 2;

/** The pointer part of a head word: the single sptep, or the head desc (with KVM_RMAP_MANY). */
export const headPointer = (val: number): number => val & ~KVM_RMAP_LOCKED;
export const isLocked = (val: number): boolean => (val & KVM_RMAP_LOCKED) !== 0;
export const isMany = (val: number): boolean => (val & KVM_RMAP_MANY) !== 0;
export const headDesc = (val: number): number => val & ~(KVM_RMAP_MANY | KVM_RMAP_LOCKED);

/**
 * struct pte_list_desc (spec §1.2 [C]), one word per field: more, spte_count,
 * tail_count, then sptes[PTE_LIST_EXT].
 */
export const DESC_MORE = 0;
export const DESC_SPTE_COUNT = 1;
export const DESC_TAIL_COUNT = 2;
export const DESC_SPTES = 3;
export const descWords = (ext: number): number => DESC_SPTES + ext;

/**
 * spte bits (spec §5.1.4), EPT-shaped, packed into 31 bits: R/W/X are EPT
 * bits 0-2 and A/D bits 8-9 as in the kernel; the software bits the kernel
 * keeps high (SPTE_MMU_WRITEABLE 58, the A/D type at 52-53, the saved R/X
 * at shift 54) are moved down. The A/D type (spec: "AD_DISABLED type bits";
 * spte.h SPTE_TDP_AD_MASK) is two bits with the kernel's values: 0 enabled,
 * 1 disabled, 2 WRPROT_ONLY (A/D on, dirty logging by write protection).
 * SHADOW_NONPRESENT_VALUE is 0.
 */
export const SPTE = {
  R: 1 << 0,
  W: 1 << 1,
  X: 1 << 2,
  SAVED_R: 1 << 4, // R << SHADOW_ACC_TRACK_SAVED_BITS_SHIFT
  SAVED_X: 1 << 6, // X << SHADOW_ACC_TRACK_SAVED_BITS_SHIFT
  LARGE: 1 << 7,
  A: 1 << 8,
  D: 1 << 9,
  HOST_WRITABLE: 1 << 10,
  MMU_PRESENT: 1 << 11,
  MMU_WRITABLE: 1 << 12,
  AD_DISABLED: 1 << 13,
  AD_WRPROT_ONLY: 2 << 13,
} as const;

/** The two A/D type bits (kernel 52-53). */
export const SPTE_AD_TYPE_MASK = 3 << 13;

export const SPTE_PFN_SHIFT = 16;
export const SHADOW_NONPRESENT_VALUE = 0;

/** is_shadow_present_pte */
export const isShadowPresent = (v: number): boolean => (v & SPTE.MMU_PRESENT) !== 0;

const bit = (v: number, b: number): boolean => (v & b) !== 0;

/** The model's view of a shadow-present spte's value (null when not present). */
export function decodeSpte(v: number): Spte | null {
  if (!isShadowPresent(v)) return null;
  return {
    pfn: v >>> SPTE_PFN_SHIFT,
    large: bit(v, SPTE.LARGE),
    ad: (v & SPTE_AD_TYPE_MASK) !== SPTE.AD_DISABLED,
    wrprotOnly: (v & SPTE_AD_TYPE_MASK) === SPTE.AD_WRPROT_ONLY,
    r: bit(v, SPTE.R),
    w: bit(v, SPTE.W),
    x: bit(v, SPTE.X),
    savedR: bit(v, SPTE.SAVED_R),
    savedX: bit(v, SPTE.SAVED_X),
    accessed: bit(v, SPTE.A),
    dirty: bit(v, SPTE.D),
    mmuWritable: bit(v, SPTE.MMU_WRITABLE),
    hostWritable: bit(v, SPTE.HOST_WRITABLE),
  };
}

/** The dirty bitmap: one word per page of the slot, non-zero when the page is logged dirty. */
export const isLoggedWord = (v: number): boolean => v !== 0;

/**
 * The TDP MMU stub's word for a gfn (impl/lockless/tdp_mmu.ts): 0 unmapped,
 * bit 0 present, bit 1 accessed. Returns undefined when unmapped, else whether young.
 */
export function decodeTdpWord(v: number): boolean | undefined {
  return v & 1 ? (v & 2) !== 0 : undefined;
}
