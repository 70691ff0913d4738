/**
 * What a counterexample or scenario file of the 2013 series may hold: its
 * configuration and its operations, as zod schemas with the kernel's ranges
 * (three page-size levels, two quadrant bits, at most KVM_MEM_SLOTS_NUM slots).
 */
import { z } from "zod";
import { KVM_MEM_SLOTS_NUM, KVM_NR_PAGE_SIZES } from "../../impl/kvm";
import { MAX_PFN } from "../../impl/spte_bits";
import { init, typeOK } from "../../model/spec";

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const gfn = int(0, 1 << 20);
const hva = int(0, 1 << 20);
const level = int(1, KVM_NR_PAGE_SIZES);
/** sp->role.quadrant is two bits. */
const quadrant = int(0, 3);
const slotId = int(0, 32767);

export const seriesOpSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("page_fault"), gfn, level, write: z.boolean(), quadrant }),
  z.strictObject({ kind: z.literal("unmap_hva_range"), start: hva, end: hva }).refine((o) => o.start < o.end, { message: "start must be below end" }),
  z.strictObject({ kind: z.literal("set_spte_hva"), hva, pfn: int(0, MAX_PFN), write: z.boolean() }),
  z.strictObject({ kind: z.literal("age_hva"), hva }),
  z.strictObject({ kind: z.literal("test_age_hva"), hva }),
  z.strictObject({ kind: z.literal("shadow_gfn"), gfn }),
  z.strictObject({ kind: z.literal("get_dirty_log"), gfn }),
  z.strictObject({ kind: z.literal("hw_access"), gfn, level, quadrant, write: z.boolean() }),
  z.strictObject({ kind: z.literal("fast_page_fault"), gfn, quadrant }),
  z.strictObject({ kind: z.literal("zap_page"), gfn, level, quadrant, which: z.enum(["oldest", "newest"]) }),
  z.strictObject({ kind: z.literal("invalid_all_pages") }),
  z.strictObject({ kind: z.literal("create_slot"), id: slotId, baseGfn: gfn, npages: int(1, 4096), userspaceAddr: hva }),
  z.strictObject({ kind: z.literal("delete_slot"), id: slotId }),
  z.strictObject({ kind: z.literal("begin_delete_slot"), id: slotId }),
  z.strictObject({ kind: z.literal("unmap_invalid_slot"), id: slotId }),
  z.strictObject({ kind: z.literal("unmap_invalid_rmap"), id: slotId, gfn, level }),
  z.strictObject({ kind: z.literal("finish_delete_slot"), id: slotId }),
  z.strictObject({ kind: z.literal("destroy_vm") }),
]);

export const seriesConfigSchema = z.strictObject({
  kvm: z.strictObject({
    PTE_LIST_EXT: int(2, 16),
    levelShift: int(1, 9),
    sptesPerPage: int(1, 512),
    adBits: z.boolean(),
  }),
  slots: z
    .array(z.strictObject({ id: slotId, baseGfn: gfn, npages: int(1, 4096), userspaceAddr: hva }))
    .min(1)
    .max(KVM_MEM_SLOTS_NUM),
}).superRefine((c, ctx) => {
  // A configuration must be a state of the model: its init installs every slot (it refuses an id
  // in use or overlapping gfns, as the kernel's CREATE does), and the state passes typeOK.
  const s = init({ geo: { levelShift: c.kvm.levelShift, sptesPerPage: c.kvm.sptesPerPage, adBits: c.kvm.adBits }, flush: "invalidate" }, c.slots);
  c.slots.forEach((slot, i) => {
    if (s.slots.get(slot.id)?.baseGfn !== slot.baseGfn) {
      ctx.addIssue({ code: "custom", path: ["slots", i], message: `the model's init refuses slot ${slot.id}: its id or gfns overlap an earlier slot's, so no run can have this configuration` });
    }
  });
  for (const why of typeOK(s)) ctx.addIssue({ code: "custom", path: ["slots"], message: `the model's typeOK rejects the configuration: ${why}` });
});
