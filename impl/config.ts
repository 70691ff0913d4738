/**
 * Compile-time constants of the kernel that the checker shrinks to keep state
 * spaces small. Defaults are the kernel's where the kernel's value is usable.
 */
export interface KvmConfig {
  /** PTE_LIST_EXT: entries per struct pte_list_desc (kernel: 3). */
  PTE_LIST_EXT: number;
  /** KVM_HPAGE_GFN_SHIFT(level) = (level - 1) * levelShift (kernel: 9). */
  levelShift: number;
  /** Leaf sptes per shadow page (kernel: 512). */
  sptesPerPage: number;
  /** shadow_accessed_mask / shadow_dirty_mask non-zero (EPT with A/D or shadow paging). */
  adBits: boolean;
  /**
   * BATCH_ZAP_PAGES (3.11 kvm_zap_obsolete_pages: pages zapped between two lock-breaks; kernel: 10).
   * Absent: 1, the checker's value, under which every zapped page is followed by a lock-break, so
   * every state the kernel's batch of 10 exposes to other threads is exposed (and more).
   */
  BATCH_ZAP_PAGES?: number;
}

export const KERNEL_CONFIG: KvmConfig = { PTE_LIST_EXT: 3, levelShift: 9, sptesPerPage: 512, adBits: true, BATCH_ZAP_PAGES: 10 };

/** The checker's default: the kernel's desc size, reduced level shift and page size. */
export const SMALL_CONFIG: KvmConfig = { PTE_LIST_EXT: 3, levelShift: 1, sptesPerPage: 4, adBits: true };
