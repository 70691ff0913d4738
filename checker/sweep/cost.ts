/**
 * An estimate of what exploring one scenario costs, for balancing shards
 * (DESIGN-NOTES §8: threads × steps per operation × bound, not a count).
 * A bounded search of T threads with S steps in all and bound K runs on the
 * order of S^min(K, T-1) executions of S steps each; the steps per operation
 * are rough averages of the subject's kinds in small configurations (walks
 * of a whole slot, DELETE and destroy are the long ones). Only the ratio
 * between scenarios matters; the bench prints how well it predicts.
 */
const SERIES_STEPS: Record<string, number> = {
  page_fault: 12,
  hw_access: 4,
  fast_page_fault: 6,
  zap_page: 14,
  unmap_hva_range: 10,
  set_spte_hva: 10,
  age_hva: 8,
  test_age_hva: 6,
  shadow_gfn: 8,
  get_dirty_log: 10,
  invalid_all_pages: 20,
  delete_slot: 30,
  destroy_vm: 30,
  create_slot: 6,
};

const LOCKLESS_STEPS: Record<string, number> = {
  page_fault: 14,
  fast_page_fault: 6,
  hw_access: 4,
  clear_young: 12,
  test_young: 8,
  unmap_gfn_range: 14,
  zap_gfn_range: 24,
  zap_sp: 14,
  get_dirty_log: 10,
  write_protect_gfn: 10,
  log_dirty_pages: 30,
  delete_memslot: 40,
};

export function estimateCost(subject: string, threads: ReadonlyArray<{ ops: readonly unknown[] }>, bound: number): number {
  const table = subject === "lockless-aging" ? LOCKLESS_STEPS : SERIES_STEPS;
  const steps = threads.reduce((k, th) => k + th.ops.reduce((x: number, op) => x + (table[(op as { kind: string }).kind] ?? 10), 0), 0);
  return Math.round(steps * Math.pow(steps, Math.min(bound, Math.max(0, threads.length - 1))));
}
