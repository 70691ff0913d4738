/**
 * What a counterexample or scenario file of the lockless subject may hold:
 * its configuration and its operations, as zod schemas (the ranges are the
 * model's: up to 5 paging levels, gfns and hvas in pages).
 */
import { z } from "zod";

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const page = int(0, 1 << 20);
const level = int(1, 5);
const quadrant = int(0, 1 << 20);
const range = (o: { start: number; end: number }) => o.end > o.start;

export const locklessOpSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("page_fault"), gfn: page, level, quadrant, write: z.boolean(), nested: z.boolean() }),
  z.strictObject({ kind: z.literal("fast_page_fault"), gfn: page, level, quadrant, write: z.boolean() }),
  z.strictObject({ kind: z.literal("hw_access"), gfn: page, level, quadrant, write: z.boolean(), nested: z.boolean() }),
  z.strictObject({ kind: z.literal("clear_young"), start: page, end: page, flush: z.boolean() }).refine(range, { message: "end must be above start" }),
  z.strictObject({ kind: z.literal("test_young"), hva: page }),
  z.strictObject({ kind: z.literal("unmap_gfn_range"), start: page, end: page, may_block: z.boolean().optional() }).refine(range, { message: "end must be above start" }),
  z.strictObject({ kind: z.literal("zap_gfn_range"), start: page, end: page }).refine(range, { message: "end must be above start" }),
  z.strictObject({ kind: z.literal("zap_sp"), gfn: page, level, quadrant, nested: z.boolean() }),
  z.strictObject({ kind: z.literal("get_dirty_log"), gfn: page }),
  z.strictObject({ kind: z.literal("write_protect_gfn"), gfn: page }),
  z.strictObject({ kind: z.literal("log_dirty_pages"), enable: z.boolean() }),
  z.strictObject({ kind: z.literal("delete_memslot") }),
]);

export const locklessConfigSchema = z.strictObject({
  kvm: z
    .strictObject({
      PTE_LIST_EXT: int(2, 64),
      levelShift: int(1, 9),
      KVM_MAX_HUGEPAGE_LEVEL: int(1, 5),
      sptesPerPage: int(1, 512),
      RMAP_RECYCLE_THRESHOLD: int(0, 1 << 20),
      kvm_ad_enabled: z.boolean(),
      dirtyLogging: z.boolean(),
      pml: z.boolean(),
      tdp_mmu_enabled: z.boolean().optional(),
      nested_ept_ad_enabled: z.boolean().optional(),
      KVM_X86_QUIRK_SLOT_ZAP_ALL: z.boolean().optional(),
      eager_page_split: z.boolean().optional(),
    })
    .refine((k) => !k.pml || k.kvm_ad_enabled, { message: "pml needs kvm_ad_enabled (vmx: no PML without EPT A/D bits)" })
    .refine((k) => !k.nested_ept_ad_enabled || k.kvm_ad_enabled, {
      message: "nested_ept_ad_enabled needs kvm_ad_enabled (vmx: EPT A/D is offered to L1 only with enable_ept_ad_bits)",
    }),
  slot: z.strictObject({ baseGfn: int(0, 1 << 16), npages: int(1, 4096), userspaceAddr: int(0, 1 << 16) }),
});
