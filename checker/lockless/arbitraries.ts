/**
 * fast-check arbitraries for the lockless subject's configurations and
 * operations (spec §5.3): one slot of 2-8 pages, two pages per huge page per
 * level (levelShift 1, three levels), 4 sptes per shadow page, PTE_LIST_EXT
 * mostly 2 (multi-desc lists cheaply) and sometimes 3 or the kernel's 14,
 * EPT A/D on or off, dirty logging with or without PML (PML only with EPT
 * A/D, as vmx's hardware_setup allows). Operations are skewed
 * towards a hot spot (gfn 0-1, quadrants 0-2) so that threads meet on the same
 * sptes and rmaps; the rest of the range stays reachable.
 */
import fc from "fast-check";
import type { LocklessKvmConfig, LocklessSlotConfig } from "../../impl/lockless/config";
import type { LocklessOp } from "../../model/lockless/operations";
import type { LocklessConfig } from "./world";

/** hva page of gfn 0: the slot's userspace_addr is HVA_BASE + base_gfn (hvas and gfns congruent, as huge pages need). */
export const HVA_BASE = 0x40;
/** KVM_PAGES_PER_HPAGE of the largest level with levelShift 1 and three levels. */
export const MAX_HUGE = 4;
export const MAX_QUADRANT = 7;

/** The kernel constants, with some fields fixed (an actor mix of spec §5.3 that needs them). */
export function kvmConfigArbWith(fixed: Partial<Pick<LocklessKvmConfig, "kvm_ad_enabled" | "dirtyLogging" | "pml" | "tdp_mmu_enabled" | "nested_ept_ad_enabled">> = {}): fc.Arbitrary<LocklessKvmConfig> {
  const or = <T>(v: T | undefined, arb: fc.Arbitrary<T>): fc.Arbitrary<T> => (v === undefined ? arb : fc.constant(v));
  return fc
    .record({
      PTE_LIST_EXT: fc.constantFrom<number>(2, 2, 2, 3, 14),
      kvm_ad_enabled: or(fixed.kvm_ad_enabled, fc.boolean()),
      dirtyLogging: or(fixed.dirtyLogging, fc.boolean()),
      pml: or(fixed.pml, fc.constantFrom(true, true, false)),
      RMAP_RECYCLE_THRESHOLD: fc.constantFrom<number>(1000, 1000, 1000, 2),
    })
    .map(
      // PML needs EPT A/D bits (vmx hardware_setup clears enable_pml without enable_ept_ad_bits).
      (r) => ({
        ...r,
        levelShift: 1,
        KVM_MAX_HUGEPAGE_LEVEL: 3,
        sptesPerPage: 4,
        pml: r.dirtyLogging && r.pml && r.kvm_ad_enabled,
        ...(fixed.tdp_mmu_enabled ? { tdp_mmu_enabled: true } : {}),
        ...(fixed.nested_ept_ad_enabled && r.kvm_ad_enabled ? { nested_ept_ad_enabled: true } : {}),
      }),
      (v) => {
        const c = v as LocklessKvmConfig;
        return { PTE_LIST_EXT: c.PTE_LIST_EXT, kvm_ad_enabled: c.kvm_ad_enabled, dirtyLogging: c.dirtyLogging, pml: c.pml, RMAP_RECYCLE_THRESHOLD: c.RMAP_RECYCLE_THRESHOLD };
      },
    );
}

export const kvmConfigArb: fc.Arbitrary<LocklessKvmConfig> = kvmConfigArbWith();

export const slotArb: fc.Arbitrary<LocklessSlotConfig> = fc
  .record({ baseGfn: fc.constantFrom<number>(0, 0, 0, 1), npages: fc.integer({ min: 2, max: 8 }) })
  .map(
    ({ baseGfn, npages }) => ({ baseGfn, npages, userspaceAddr: HVA_BASE + baseGfn }),
    (v) => ({ baseGfn: (v as LocklessSlotConfig).baseGfn, npages: (v as LocklessSlotConfig).npages }),
  );

export const configArb: fc.Arbitrary<LocklessConfig> = fc.record({ kvm: kvmConfigArb, slot: slotArb });

/**
 * The sequential property's configurations (issue 20): configArb's, with the
 * TDP MMU on in one in four (direct faults go to its stub, the rmaps hold the
 * nested pages' sptes, the gates decide whether an rmap walk runs) and eager
 * page splitting in half of those, and L1's EPT A/D on in half of those with
 * EPT A/D: what the concurrent mixes and the scenarios turn on, checked
 * beside the model one command at a time.
 */
export const sequentialConfigArb: fc.Arbitrary<LocklessConfig> = fc
  .tuple(configArb, fc.constantFrom(false, false, false, true), fc.boolean(), fc.boolean())
  .map(
    ([c, tdp, split, nestedAd]): LocklessConfig => {
      const kvm = { ...c.kvm, ...(tdp ? { tdp_mmu_enabled: true } : {}), ...(tdp && split ? { eager_page_split: true } : {}), ...(nestedAd && c.kvm.kvm_ad_enabled ? { nested_ept_ad_enabled: true } : {}) };
      return { ...c, kvm };
    },
    (v) => {
      const c = v as LocklessConfig;
      const { tdp_mmu_enabled, eager_page_split, nested_ept_ad_enabled, ...kvm } = c.kvm;
      return [{ ...c, kvm }, tdp_mmu_enabled === true, eager_page_split === true, nested_ept_ad_enabled === true];
    },
  );

const gfn = fc.oneof(
  { weight: 10, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constant(1) },
  { weight: 2, arbitrary: fc.integer({ min: 2, max: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 8 }) },
);
const level = fc.oneof({ weight: 10, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 3 }) });
const quadrant = fc.oneof(
  { weight: 10, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constant(1) },
  { weight: 2, arbitrary: fc.constant(2) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_QUADRANT }) },
);
const write = fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
const nested = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const hva = gfn.map((g) => HVA_BASE + g, (v) => (v as number) - HVA_BASE);

/**
 * A set-up fault: mostly gfn 0 at 4K, spread over quadrants, so that one rmap
 * holds PTE_LIST_EXT + 1 entries; `nestedArb` says how often the spte is a
 * nested one (A/D-disabled whatever the EPT A/D setting).
 */
export function hotFaultArbWith(nestedArb: fc.Arbitrary<boolean> = nested): fc.Arbitrary<LocklessOp> {
  return fc.record({
    kind: fc.constant("page_fault" as const),
    gfn: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) }),
    level: fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 2, max: 3 }) }),
    quadrant: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) }),
    write,
    nested: nestedArb,
  });
}

export const hotFaultArb: fc.Arbitrary<LocklessOp> = hotFaultArbWith();

/**
 * hva ranges for aging: "aligned" callers deliver single pages or ranges on
 * the largest huge page; "any" also unaligned multi-page ranges (a start
 * inside a huge page and a length that crosses into the next one).
 */
export function agingRangeArb(callers: "any" | "aligned"): fc.Arbitrary<{ start: number; end: number }> {
  const single = hva.map((s) => ({ start: s, end: s + 1 }), (v) => (v as { start: number }).start);
  const aligned = fc
    .record({ k: fc.integer({ min: 0, max: 1 }), m: fc.integer({ min: 1, max: 2 }) })
    .map(({ k, m }) => ({ start: HVA_BASE + k * MAX_HUGE, end: HVA_BASE + (k + m) * MAX_HUGE }), (v) => {
      const r = v as { start: number; end: number };
      return { k: (r.start - HVA_BASE) / MAX_HUGE, m: (r.end - r.start) / MAX_HUGE };
    });
  const unaligned = fc
    .record({ s: fc.integer({ min: -1, max: 6 }), len: fc.integer({ min: 2, max: 4 }) })
    .map(({ s, len }) => ({ start: HVA_BASE + s, end: HVA_BASE + s + len }), (v) => {
      const r = v as { start: number; end: number };
      return { s: r.start - HVA_BASE, len: r.end - r.start };
    });
  const arbs = [{ weight: 3, arbitrary: single }, { weight: 3, arbitrary: aligned }];
  if (callers === "any") arbs.push({ weight: 4, arbitrary: unaligned });
  return fc.oneof(...arbs);
}

const anyRange = fc
  .record({ s: fc.integer({ min: -1, max: 8 }), len: fc.integer({ min: 1, max: 4 }) })
  .map(({ s, len }) => ({ start: HVA_BASE + s, end: HVA_BASE + s + len }), (v) => {
    const r = v as { start: number; end: number };
    return { s: r.start - HVA_BASE, len: r.end - r.start };
  });

/** One arbitrary per operation kind. */
export function opArbs(callers: "any" | "aligned") {
  const range = agingRangeArb(callers);
  return {
    page_fault: fc.record({ kind: fc.constant("page_fault" as const), gfn, level, quadrant, write, nested }),
    fast_page_fault: fc.record({ kind: fc.constant("fast_page_fault" as const), gfn, level, quadrant, write }),
    hw_access: fc.record({ kind: fc.constant("hw_access" as const), gfn, level, quadrant, write, nested }),
    /** A CPU write (sets D through a writable A/D-enabled spte). */
    hw_write: fc.record({ kind: fc.constant("hw_access" as const), gfn, level, quadrant, write: fc.constant(true), nested: fc.constant(false) }),
    clear_young: fc.record({ kind: fc.constant("clear_young" as const), r: range, flush: fc.boolean() }).map(
      ({ kind, r, flush }) => ({ kind, start: r.start, end: r.end, flush }),
      (v) => {
        const o = v as Extract<LocklessOp, { kind: "clear_young" }>;
        return { kind: o.kind, r: { start: o.start, end: o.end }, flush: o.flush };
      },
    ),
    test_young: fc.record({ kind: fc.constant("test_young" as const), hva }),
    log_dirty_pages: fc.record({ kind: fc.constant("log_dirty_pages" as const), enable: fc.boolean() }),
    delete_memslot: fc.constant({ kind: "delete_memslot" as const }),
    zap_gfn_range: fc.record({ kind: fc.constant("zap_gfn_range" as const), r: anyRange }).map(
      ({ kind, r }) => ({ kind, start: r.start - HVA_BASE, end: r.end - HVA_BASE }),
      (v) => {
        const o = v as Extract<LocklessOp, { kind: "zap_gfn_range" }>;
        return { kind: o.kind, r: { start: o.start + HVA_BASE, end: o.end + HVA_BASE } };
      },
    ),
    unmap_gfn_range: fc.record({ kind: fc.constant("unmap_gfn_range" as const), r: anyRange }).map(
      ({ kind, r }) => ({ kind, start: r.start, end: r.end }),
      (v) => {
        const o = v as Extract<LocklessOp, { kind: "unmap_gfn_range" }>;
        return { kind: o.kind, r: { start: o.start, end: o.end } };
      },
    ),
    zap_sp: fc.record({ kind: fc.constant("zap_sp" as const), gfn, level, quadrant, nested }),
    get_dirty_log: fc.record({ kind: fc.constant("get_dirty_log" as const), gfn }),
    write_protect_gfn: fc.record({ kind: fc.constant("write_protect_gfn" as const), gfn }),
  } satisfies Record<LocklessOp["kind"] | "hw_write", fc.Arbitrary<LocklessOp>>;
}
