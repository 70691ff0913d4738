/**
 * The operations the model knows, as plain data: what a generated trace
 * contains, what a counterexample file stores, and what the rules of
 * model/spte_rules.ts are stated over. Names follow the kernel entry points.
 */
export type OpDesc =
  | { kind: "page_fault"; gfn: number; level: number; write: boolean; quadrant: number }
  | { kind: "unmap_hva_range"; start: number; end: number }
  | { kind: "set_spte_hva"; hva: number; pfn: number; write: boolean }
  | { kind: "age_hva"; hva: number }
  | { kind: "test_age_hva"; hva: number }
  | { kind: "shadow_gfn"; gfn: number }
  | { kind: "get_dirty_log"; gfn: number }
  | { kind: "hw_access"; gfn: number; level: number; quadrant: number; write: boolean }
  | { kind: "fast_page_fault"; gfn: number; quadrant: number }
  | { kind: "zap_page"; gfn: number; level: number; quadrant: number; which: "oldest" | "newest" }
  | { kind: "invalid_all_pages" }
  | { kind: "create_slot"; id: number; baseGfn: number; npages: number; userspaceAddr: number }
  | { kind: "delete_slot"; id: number }
  | { kind: "begin_delete_slot"; id: number }
  | { kind: "unmap_invalid_slot"; id: number }
  /** The lock-free unmap of one rmap of an invalid slot (one call of kvm_unmap_invalid_rmapp_nolock). */
  | { kind: "unmap_invalid_rmap"; id: number; gfn: number; level: number }
  | { kind: "finish_delete_slot"; id: number }
  | { kind: "destroy_vm" };

export type OpKind = OpDesc["kind"];
