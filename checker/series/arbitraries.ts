/**
 * fast-check arbitraries for configurations and operations. Ranges are small
 * on purpose: 1-2 slots of 1-8 pages (sometimes 4-32, sparse, for a level
 * shift of 2), a reduced level shift so all three levels occur, four
 * quadrants so rmaps reach two descs (spec §6). The kernel's geometry is
 * drawn too: slot bases unaligned at each large-page level, slots that start
 * or end inside a large page, adjacent slots and slots with a gap between
 * them, PTE_LIST_EXT 2 and 3. Operations name logical gfns, placed in the
 * configuration by placement.ts.
 */
import fc from "fast-check";
import type { KvmConfig } from "../../impl/config";
import type { OpDesc } from "../../model/operations";
import type { SlotConfig, WorldConfig } from "./world";
import { SEARCH_BOUNDS } from "../search/bounds";

export const HVA_BASE = 0x40;

export const kvmConfigArb: fc.Arbitrary<KvmConfig> = fc.record({
  PTE_LIST_EXT: fc.constantFrom(3, 3, 3, 2),
  levelShift: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) }),
  sptesPerPage: fc.constantFrom(4, 2),
  adBits: fc.constantFrom(true, true, true, false),
});

/** A sparse slot has this many times the pages (so large pages fit at a level shift of 2). */
const SPARSE = 4;

/**
 * Slot 0 at gfn 0 or at an unaligned gfn 1-7, of 1-maxPages pages (or SPARSE
 * times that); optionally slot 1 right after it or after a gap of 1-4 pages,
 * at its own hva or aliasing slot 0's.
 */
export function slotsArb(maxPages: number): fc.Arbitrary<SlotConfig[]> {
  const pages = fc.integer({ min: 1, max: maxPages });
  return fc
    .record({
      base0: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
      n0: pages,
      sparse: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      second: fc.option(fc.record({ gap: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) }), n1: pages, alias: fc.boolean() }), { nil: undefined }),
    })
    .map(
      ({ base0, n0, sparse, second }) => {
        const npages = sparse ? n0 * SPARSE : n0;
        const slots: SlotConfig[] = [{ id: 0, baseGfn: base0, npages, userspaceAddr: HVA_BASE }];
        if (second) slots.push({ id: 1, baseGfn: base0 + npages + second.gap, npages: second.n1, userspaceAddr: second.alias ? HVA_BASE : HVA_BASE + 8 });
        return slots;
      },
      (v) => {
        const slots = v as SlotConfig[];
        const [a, b] = slots;
        if (!Array.isArray(slots) || a === undefined || slots.length > 2) throw new Error("not a slot list");
        const sparse = a.npages > maxPages;
        if (sparse && a.npages % SPARSE !== 0) throw new Error("not a generated slot");
        const second = b === undefined ? undefined : { gap: b.baseGfn - a.baseGfn - a.npages, n1: b.npages, alias: b.userspaceAddr === HVA_BASE };
        return { base0: a.baseGfn, n0: sparse ? a.npages / SPARSE : a.npages, sparse, second };
      },
    );
}

export const worldConfigArb: fc.Arbitrary<WorldConfig> = fc.record({ kvm: kvmConfigArb, slots: slotsArb(8) });

/**
 * Skewed towards a small hot spot (gfn 0-1 of slot 0, quadrant 0, level 1) so
 * that operations of different threads meet on the same sptes and rmaps;
 * the rest of the range stays reachable.
 */
const gfn = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.constant(1) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 8, max: 9 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: SEARCH_BOUNDS.MAX_GFN }) },
);
const level = fc.oneof({ withCrossShrink: true }, { weight: 6, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 2, max: 3 }) });
const quadrant = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constant(1) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: SEARCH_BOUNDS.QUADRANTS - 1 }) },
);
const hva = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constant(HVA_BASE) },
  { weight: 2, arbitrary: fc.constant(HVA_BASE + 1) },
  { weight: 1, arbitrary: fc.integer({ min: HVA_BASE + 2, max: HVA_BASE + 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: HVA_BASE - 1, max: HVA_BASE + 17 }) },
);

/** Writes twice as often as reads: writable sptes are the ones hardware and fast_page_fault change. */
const write = fc.oneof({ withCrossShrink: true }, { weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

export const opArbs = {
  page_fault: fc.record({ kind: fc.constant("page_fault" as const), gfn, level, write, quadrant }),
  unmap_hva_range: fc
    .record({ kind: fc.constant("unmap_hva_range" as const), start: hva, len: fc.integer({ min: 1, max: 4 }) })
    .map(
      ({ kind, start, len }) => ({ kind, start, end: start + len }),
      (v) => {
        const o = v as { kind: "unmap_hva_range"; start: number; end: number };
        if (o.kind !== "unmap_hva_range") throw new Error("not unmap_hva_range");
        return { kind: o.kind, start: o.start, len: o.end - o.start };
      },
    ),
  set_spte_hva: fc.record({ kind: fc.constant("set_spte_hva" as const), hva, pfn: fc.integer({ min: 0x200, max: 0x203 }), write: fc.boolean() }),
  age_hva: fc.record({ kind: fc.constant("age_hva" as const), hva }),
  test_age_hva: fc.record({ kind: fc.constant("test_age_hva" as const), hva }),
  shadow_gfn: fc.record({ kind: fc.constant("shadow_gfn" as const), gfn }),
  get_dirty_log: fc.record({ kind: fc.constant("get_dirty_log" as const), gfn }),
  hw_access: fc.record({ kind: fc.constant("hw_access" as const), gfn, level, quadrant, write }),
  fast_page_fault: fc.record({ kind: fc.constant("fast_page_fault" as const), gfn, quadrant }),
  /** The gfn is aligned to the page's span when the operation is placed (placement.ts). */
  zap_page: fc.record({ kind: fc.constant("zap_page" as const), gfn, level, quadrant, which: fc.constantFrom("oldest" as const, "newest" as const) }),
  invalid_all_pages: fc.constant({ kind: "invalid_all_pages" as const }),
  /** Slot 0 three times as often: it holds the hot spot (and the prepared spte). */
  delete_slot: fc.record({ kind: fc.constant("delete_slot" as const), id: fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }) }),
  create_slot: fc.record({
    kind: fc.constant("create_slot" as const),
    id: fc.integer({ min: 0, max: 1 }),
    baseGfn: fc.constantFrom(0, 8),
    npages: fc.integer({ min: 1, max: 8 }),
    userspaceAddr: fc.constantFrom(HVA_BASE, HVA_BASE + 8),
  }),
  begin_delete_slot: fc.record({ kind: fc.constant("begin_delete_slot" as const), id: fc.integer({ min: 0, max: 1 }) }),
  unmap_invalid_slot: fc.record({ kind: fc.constant("unmap_invalid_slot" as const), id: fc.integer({ min: 0, max: 1 }) }),
  finish_delete_slot: fc.record({ kind: fc.constant("finish_delete_slot" as const), id: fc.integer({ min: 0, max: 1 }) }),
  // Not generated (no weight in sequential_commands.ts): scenarios name it (checker/exhaustive/).
  unmap_invalid_rmap: fc.record({ kind: fc.constant("unmap_invalid_rmap" as const), id: fc.integer({ min: 0, max: 1 }), gfn, level }),
  destroy_vm: fc.constant({ kind: "destroy_vm" as const }),
} satisfies Record<OpDesc["kind"], fc.Arbitrary<OpDesc>>;
