/**
 * The operations of the lockless subject as plain data: what a generated
 * trace contains, what a counterexample file stores, and what the rules of
 * spte_rules.ts are stated over. Each is a kernel entry point; hvas and gfns
 * are in pages. `quadrant` and `nested` pick the shadow page (its role).
 */
export type LocklessOp =
  /** kvm_mmu_page_fault under mmu_lock (write): map gfn at level (write: a writable spte). */
  | { kind: "page_fault"; gfn: number; level: number; quadrant: number; write: boolean; nested: boolean }
  /** fast_page_fault without mmu_lock: fix an access-tracked or write-protected spte by cmpxchg. */
  | { kind: "fast_page_fault"; gfn: number; level: number; quadrant: number; write: boolean }
  /** The CPU touching gfn through a spte: sets A (and D) on A/D-enabled sptes. */
  | { kind: "hw_access"; gfn: number; level: number; quadrant: number; write: boolean; nested: boolean }
  /** mmu_notifier clear_young / clear_flush_young over hvas [start, end): kvm_age_gfn, lockless. */
  | { kind: "clear_young"; start: number; end: number; flush: boolean }
  /** mmu_notifier test_young(hva): kvm_test_age_gfn over one page, lockless. */
  | { kind: "test_young"; hva: number }
  /**
   * mmu_notifier invalidate_range_start over hvas [start, end): kvm_unmap_gfn_range under mmu_lock;
   * `may_block` (mmu_notifier_range_blockable; absent: false) lets its rmap walk break mmu_lock.
   */
  | { kind: "unmap_gfn_range"; start: number; end: number; may_block?: boolean }
  /** kvm_zap_gfn_range over gfns [start, end): zap them inside an invalidation, breaking mmu_lock between rmaps. */
  | { kind: "zap_gfn_range"; start: number; end: number }
  /** kvm_mmu_prepare_zap_page + kvm_mmu_commit_zap_page of one shadow page, under mmu_lock. */
  | { kind: "zap_sp"; gfn: number; level: number; quadrant: number; nested: boolean }
  /** KVM_GET_DIRTY_LOG for one page: harvest the bitmap bit, re-protect the page (kvm_arch_mmu_enable_log_dirty_pt_masked). */
  | { kind: "get_dirty_log"; gfn: number }
  /** kvm_mmu_slot_gfn_write_protect(gfn, PG_LEVEL_4K): write-protect a gfn for write tracking. */
  | { kind: "write_protect_gfn"; gfn: number }
  /**
   * KVM_SET_USER_MEMORY_REGION setting (enable) or clearing KVM_MEM_LOG_DIRTY_PAGES of the slot
   * (KVM_MR_FLAGS_ONLY): publish the new slot, wait for its readers, then write-protect it
   * (enable) or recover huge pages (disable) under mmu_lock, breaking it between rmaps.
   */
  | { kind: "log_dirty_pages"; enable: boolean }
  /**
   * KVM_SET_USER_MEMORY_REGION with memory_size 0 (KVM_MR_DELETE): publish the slot's INVALID
   * copy, wait for its readers, zap (every shadow page, or the slot's mappings), publish no
   * slot, wait again, free the slot's rmaps and bitmap.
   */
  | { kind: "delete_memslot" };

export type LocklessOpKind = LocklessOp["kind"];

/** Operations whose every spte write is made under mmu_lock for write (zap_gfn_range and the invalidation release it between their parts). */
export const LOCK_HOLDER_OPS: ReadonlySet<LocklessOpKind> = new Set(["page_fault", "unmap_gfn_range", "zap_gfn_range", "zap_sp", "get_dirty_log", "write_protect_gfn", "log_dirty_pages", "delete_memslot"]);
