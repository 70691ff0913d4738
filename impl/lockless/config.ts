/**
 * Compile-time constants and module parameters of the 6.15 shadow MMU that
 * the checker shrinks or varies to keep state spaces small. The kernel's
 * values are in KERNEL_LOCKLESS_CONFIG.
 */
export interface LocklessKvmConfig {
  /** PTE_LIST_EXT: sptes per struct pte_list_desc (kernel: 14). */
  PTE_LIST_EXT: number;
  /** KVM_HPAGE_GFN_SHIFT(level) = (level - 1) * levelShift (kernel: 9). */
  levelShift: number;
  /** KVM_MAX_HUGEPAGE_LEVEL (kernel: PG_LEVEL_1G = 3). */
  KVM_MAX_HUGEPAGE_LEVEL: number;
  /** Leaf sptes per shadow page (kernel: 512). */
  sptesPerPage: number;
  /** kvm_ad_enabled (EPT A/D bits); false: every spte is A/D-disabled (ept_ad=0). */
  kvm_ad_enabled: boolean;
  /** The memslot has KVM_MEM_LOG_DIRTY_PAGES. */
  dirtyLogging: boolean;
  /** kvm->arch.cpu_dirty_log_size != 0 (PML). */
  pml: boolean;
  /** RMAP_RECYCLE_THRESHOLD (kernel: 1000). */
  RMAP_RECYCLE_THRESHOLD: number;
  /**
   * tdp_mmu_enabled (module parameter tdp_mmu; kernel default: true with EPT on
   * 64-bit hosts). Absent or false: the shadow MMU maps every fault and every
   * gate around the rmap walks is open. True: direct faults go to the TDP MMU
   * (impl/lockless/tdp_mmu.ts, a stub), the rmaps hold only nested pages' sptes,
   * and the gates of aging, unmapping and dirty logging read
   * indirect_shadow_pages and shadow_root_allocated.
   */
  tdp_mmu_enabled?: boolean;
  /**
   * nested_ept_ad_enabled: L1's EPTP for L2 sets VMX_EPTP_AD_ENABLE_BIT
   * (vmx/nested.c nested_ept_ad_enabled), so a nested (shadow EPT) page has
   * role.ad_disabled = !accessed_dirty = false (kvm_calc_shadow_ept_root_page_role)
   * and, under PML, its sptes are SPTE_TDP_AD_WRPROT_ONLY. Absent or false:
   * nested pages are A/D-disabled (L1 without EPT A/D). L0 advertises EPT A/D
   * to L1 only with enable_ept_ad_bits, so it needs kvm_ad_enabled.
   */
  nested_ept_ad_enabled?: boolean;
  /**
   * KVM_X86_QUIRK_SLOT_ZAP_ALL (x86 quirk, on by default) on a default VM:
   * deleting the slot zaps every shadow page (kvm_mmu_zap_all_fast). Absent
   * or true: the default. False (userspace disabled the quirk, or a VM type
   * that zaps the slot only): the slot's mappings and the pages shadowing
   * its page tables (kvm_mmu_zap_memslot).
   */
  KVM_X86_QUIRK_SLOT_ZAP_ALL?: boolean;
  /**
   * eager_page_split (module parameter, kernel default: true): enabling dirty
   * logging on the slot splits its huge pages first
   * (kvm_mmu_slot_try_split_huge_pages; impl/lockless/eager_split.ts), which
   * the kernel does only with tdp_mmu_enabled. Absent or false: as if the
   * parameter were off (the scenarios written before it keep their traces).
   * kvm_dirty_log_manual_protect_and_init_set is false here (KVM_DIRTY_LOG_INITIALLY_SET off).
   */
  eager_page_split?: boolean;
}

export const KERNEL_LOCKLESS_CONFIG: LocklessKvmConfig = {
  PTE_LIST_EXT: 14,
  levelShift: 9,
  KVM_MAX_HUGEPAGE_LEVEL: 3,
  sptesPerPage: 512,
  kvm_ad_enabled: true,
  dirtyLogging: false,
  pml: false,
  RMAP_RECYCLE_THRESHOLD: 1000,
};

/** The one memslot: gfns [base_gfn, base_gfn + npages) at host pages from userspace_addr. */
export interface LocklessSlotConfig {
  baseGfn: number;
  npages: number;
  userspaceAddr: number;
}
