/**
 * Eager page splitting of the shadow MMU (issue 20 item 3;
 * impl/lockless/eager_split.ts, model/lockless/actions/memslot.ts
 * splitHugePages): with the TDP MMU and eager_page_split, enabling dirty
 * logging splits every huge spte of the slot's rmaps (the small sptes set
 * and added to their rmaps, then the huge spte dropped), then write-protects
 * the slot. Pinned here: the model's action; the implementation against it,
 * alone; the rule for the small sptes (judgeSpteWrite with the huge spte
 * over them); the scenarios verified by the correct designs at 2 preemptions
 * (the writable A/D-disabled one reports its SPTE-STEP with 1: the kernel's
 * split restores from its snapshot, docs/findings-lockless.md; the candidate
 * change split-after-drop is verified there, and a drop-first split that
 * still copies a stale read is not); each mutant of
 * origin "split" found with its fewest preemptions and none with fewer
 * (docs/mutants.md).
 */
import { loadScenario } from "../checker/exhaustive/scenario_files";
import { exhaustive } from "../checker/jobs/exhaustive";
import { runTrace } from "../checker/search/trace";
import type { Trace } from "../checker/subject";
import { abstraction } from "../checker/lockless/oracle/abstraction";
import { buildLocklessTrace } from "../checker/lockless/trace_build";
import { diffStates } from "../model/lockless/diff";
import { init, next, typeOK } from "../model/lockless/spec";
import type { LocklessOp } from "../model/lockless/operations";
import type { Geometry, Spte } from "../model/lockless/state";
import { judgeSpteWrite } from "../model/lockless/spte_rules";
import { markForAccessTrack } from "../model/lockless/spte_values";
import { applyLocklessOverrides } from "../impl/lockless/symbols";
import { shadow_mmu_split_children, topup_split_caches } from "../impl/lockless/eager_split";
import { KIND, type Kvm } from "../impl/lockless/kvm";
import { write_lock, write_unlock } from "../impl/lockless/steps";
import { kvm_mmu_page_get_gfn, spte_index, sptep_to_sp } from "../impl/lockless/rmap";
import { type KGen, load } from "../runtime/step";
import { lvariant, runObserved, smallGeometry } from "./lockless_support";

const VERIFIED = ["lockless-eager-split-vs-age", "lockless-eager-split-vs-age-ad-disabled", "lockless-eager-split-vs-fault"];
const FINDING = "lockless-eager-split-vs-age-ad-disabled-writable";
const TOPUP = "lockless-eager-split-vs-unmap";
const CORRECT = ["merged", "merged-aligned-callers", "index-walk", "merged-one-read"];
const MUTANTS: Array<[string, string, string, number]> = [
  ["split-drop-huge-no-track", "lockless-eager-split-vs-age-ad-disabled", "LOST-UPDATE", 1],
  ["split-walk-keeps-locked", "lockless-eager-split-vs-age", "INV-MEM", 2],
];

const geo = (split: boolean, tdp = true, nestedEptAd = true): Geometry => smallGeometry({ tdpMmuEnabled: tdp, nestedEptAd, ...(split ? { eagerPageSplit: true } : {}) });
const slot = { baseGfn: 0, npages: 4, userspaceAddr: 64 };
const nested = (gfn: number, level: number, quadrant = 0, write = true): LocklessOp => ({ kind: "page_fault", gfn, level, quadrant, write, nested: true });
const enable: LocklessOp = { kind: "log_dirty_pages", enable: true };

describe("the model's action (splitHugePages, in logDirtyPages)", () => {
  const mapped = (g: Geometry) => {
    let s = init(g, slot);
    for (const op of [nested(0, 3), nested(0, 1, 1, false)]) s = next(s, op).s;
    return s;
  };

  test("a 1G-like huge spte (level 3) is split down to 4K: same pfns, A and D kept, W removed by the write protection that follows", () => {
    const s = mapped(geo(true));
    const huge = [...s.sptes.values()].find((v) => v.large)!;
    expect(huge.accessed && huge.dirty && huge.w).toBe(true);
    const r = next(s, enable);
    expect(r.ret).toBe(0);
    expect(typeOK(r.s)).toEqual([]);
    const large = [...r.s.sptes.values()].filter((v) => v.large);
    expect(large).toEqual([]);
    const smalls = [...r.s.sptes].filter(([ref]) => r.s.sps.get(Number(ref.split(":")[0]))!.direct).map(([, v]) => v);
    expect(smalls.map((v) => v.pfn).sort((a, b) => a - b)).toEqual([0, 1, 2, 3].map((g) => huge.pfn + g));
    for (const v of smalls) expect({ a: v.accessed, d: v.dirty, w: v.w, mmuWritable: v.mmuWritable, ad: v.ad }).toEqual({ a: true, d: true, w: false, mmuWritable: true, ad: true });
    // the child pages: direct, one level down each, the parent's quadrant and A/D role
    const children = [...r.s.sps.values()].filter((sp) => sp.direct);
    expect(children.map((sp) => [sp.level, sp.quadrant, sp.adDisabled])).toEqual([
      [2, 0, false],
      [1, 0, false],
    ]);
    // the 4K rmap of gfn 0 holds the nested 4K spte (quadrant 1) and the split's one
    expect(r.s.rmaps.get("1:0")!.size).toBe(2);
  });

  test("without eager_page_split, or without the TDP MMU, enabling only write-protects (the huge spte stays)", () => {
    for (const g of [geo(false), geo(true, false)]) {
      const r = next(mapped(g), enable);
      expect([...r.s.sptes.values()].filter((v) => v.large).map((v) => v.w)).toEqual([false]);
    }
  });

  test("an A/D-disabled huge spte's access-tracked state is carried into the small sptes", () => {
    let s = init(geo(true, true, false), slot);
    s = next(s, nested(0, 2, 0, false)).s;
    const ref = [...s.sptes.keys()][0]!;
    s = { ...s, sptes: new Map(s.sptes).set(ref, markForAccessTrack(s.sptes.get(ref)!)) };
    const r = next(s, enable);
    const vals = [...r.s.sptes.values()];
    expect(vals.length).toBe(2);
    for (const v of vals) expect({ large: v.large, r: v.r, savedR: v.savedR, accessed: v.accessed, ad: v.ad }).toEqual({ large: false, r: false, savedR: true, accessed: false, ad: false });
  });
});

describe("the rule for a small spte the split installs (judgeSpteWrite with the huge spte over it)", () => {
  const s = init(geo(true), slot);
  const huge: Spte = next(next(s, nested(0, 2)).s, nested(0, 2)).s.sptes.values().next().value!;
  const hugeSite = { gfn: 0, level: 2, quadrant: 0, direct: false, adDisabled: false, spte: huge };
  const site = { gfn: 1, level: 1, quadrant: 0, direct: true, adDisabled: false };
  const small = { ...huge, pfn: huge.pfn + 1, large: false };

  test("the huge spte made small is allowed, also with A lost (a lock holder's write from its own read)", () => {
    expect(judgeSpteWrite(s, enable, site, null, small, [hugeSite])).toBeNull();
    expect(judgeSpteWrite(s, enable, site, null, { ...small, accessed: false }, [hugeSite])).toBeNull();
  });

  test("no huge spte over it: NO-RESURRECT; another pfn, W the huge spte lacks, or a non-direct page: SPTE-STEP", () => {
    expect(judgeSpteWrite(s, enable, site, null, small, [])?.invariant).toBe("NO-RESURRECT");
    expect(judgeSpteWrite(s, enable, site, null, { ...small, pfn: huge.pfn }, [hugeSite])?.invariant).toBe("SPTE-STEP");
    expect(judgeSpteWrite(s, enable, site, null, small, [{ ...hugeSite, spte: { ...huge, w: false } }])?.invariant).toBe("SPTE-STEP");
    expect(judgeSpteWrite(s, enable, { ...site, direct: false }, null, small, [hugeSite])?.invariant).toBe("SPTE-STEP");
  });

  test("of two huge sptes over the gfn, a copy of either is allowed", () => {
    const readOnly = { ...hugeSite, direct: true, spte: { ...huge, w: false, dirty: false, mmuWritable: false } };
    expect(judgeSpteWrite(s, enable, site, null, small, [readOnly, hugeSite])).toBeNull();
    expect(judgeSpteWrite(s, enable, site, null, small, [readOnly])?.invariant).toBe("SPTE-STEP");
  });

  test("without eager splitting, making a spte present is a fault's alone", () => {
    expect(judgeSpteWrite(init(geo(false), slot), enable, site, null, small, [hugeSite])?.invariant).toBe("NO-RESURRECT");
  });
});

describe("the implementation, run alone (no preemption)", () => {
  test("each scenario runs without a violation", () => {
    for (const name of [...VERIFIED, FINDING]) {
      const sc = loadScenario(name);
      const trace: Trace = { subject: "lockless-aging", design: "merged-aligned-callers", config: sc.config, setup: sc.setup, threads: sc.threads, preemptions: [] };
      expect({ name, v: runTrace(trace, lvariant("merged-aligned-callers")).result.violation }).toEqual({ name, v: null });
    }
  });

  test.each([true, false])("enabling dirty logging leaves what the model says (nested EPT A/D %s), a level-3 huge spte split twice", (ad) => {
    const sc = loadScenario("lockless-eager-split-vs-age");
    const config = { kvm: { ...(sc.config as { kvm: object }).kvm, nested_ept_ad_enabled: ad }, slot };
    const setup: LocklessOp[] = [nested(0, 3), nested(0, 1, 1, false), nested(1, 1, 1)];
    const trace: Trace = { subject: "lockless-aging", design: "merged", config, setup, threads: [{ role: "mmu", ops: [enable] }], preemptions: [] };
    const b = buildLocklessTrace(trace, lvariant("merged"), { tso: false, full: false });
    b.setup();
    expect(b.machine.runOperation(b.threads[0]!, b.threads[0]!.ops[0]!)).toBe(0);
    const a = abstraction(b.world);
    expect(a.errors).toEqual([]);
    let m = init(b.world.geo, b.world.slot);
    for (const op of [...setup, enable]) m = next(m, op).s;
    expect(diffStates(m, a.s)).toEqual([]);
    expect([...a.s.sptes.values()].filter((v) => v.large)).toEqual([]);
    expect([...a.s.sps.values()].filter((sp) => sp.direct).length).toBe(2);
  });
});

describe("the new scenarios at 2 preemptions", () => {
  test("the correct designs verify each", () => {
    for (const d of CORRECT) {
      for (const s of VERIFIED) expect({ d, s, verdict: exhaustive({ variant: lvariant(d), scenario: loadScenario(s), preemptions: 2 }).summary.verdict }).toEqual({ d, s, verdict: "verified" });
    }
  });

  test("the writable A/D-disabled scenario: SPTE-STEP on the split's small spte with 1 preemption, none with 0 (the kernel's own split)", () => {
    for (const d of CORRECT) {
      expect(exhaustive({ variant: lvariant(d), scenario: loadScenario(FINDING), preemptions: 0 }).summary.verdict).toBe("verified");
      const v = exhaustive({ variant: lvariant(d), scenario: loadScenario(FINDING), preemptions: 1 }).summary.violation;
      expect({ d, invariant: v?.invariant, preemptions: v?.preemptions, grants: /grants W/.test(v?.detail ?? "") }).toEqual({ d, invariant: "SPTE-STEP", preemptions: 1, grants: true });
    }
  });

  test("split-after-drop (the candidate change for L5: the huge spte cleared first, the children made from the value the clear returned) is verified on the writable A/D-disabled scenario with 3 preemptions", () => {
    const s = exhaustive({ variant: lvariant("split-after-drop"), scenario: loadScenario(FINDING), preemptions: 3 }).summary;
    expect(s.verdict).toBe("verified");
  });

  test("the rule still catches a stale snapshot when the huge spte is cleared first: children made from a read taken before the clear report SPTE-STEP (grants W) with 1 preemption", () => {
    // Not kernel code: split-after-drop with its children made from a READ_ONCE taken before the clear, which a
    // lockless access tracking can overtake; the clear's own value (the tracked one) is what the rule compares with.
    const base = lvariant("split-after-drop");
    const stale = function* (kvm: Kvm, slot: number, huge_sptep: number): KGen<void> {
      const snapshot = yield load(huge_sptep, KIND.spt, "stale split: READ_ONCE(*huge_sptep)");
      const huge_sp = sptep_to_sp(kvm, huge_sptep);
      const huge_gfn = kvm_mmu_page_get_gfn(kvm, huge_sp, spte_index(kvm, huge_sptep));
      const sp = yield* kvm.sym.shadow_mmu_get_sp_for_split(kvm, huge_sptep);
      yield* kvm.sym.drop_spte(kvm, huge_sptep);
      yield* shadow_mmu_split_children(kvm, slot, huge_sp, huge_gfn, sp, snapshot);
    };
    const variant = { ...base, symbols: applyLocklessOverrides(base.kernelDesign.overrides, () => ({ shadow_mmu_split_huge_page: stale })) };
    expect(exhaustive({ variant, scenario: loadScenario(FINDING), preemptions: 0 }).summary.verdict).toBe("verified");
    const v = exhaustive({ variant, scenario: loadScenario(FINDING), preemptions: 1 }).summary.violation;
    expect({ invariant: v?.invariant, preemptions: v?.preemptions, grants: /grants W/.test(v?.detail ?? "") }).toEqual({ invariant: "SPTE-STEP", preemptions: 1, grants: true });
  });

  test("the split cache top-up: the first split drops mmu_lock and restarts its walk; an invalidation may run in that break, and a split that retried the huge spte it found before the break (not kernel code) reports RMAP-COMPLETE with 1 preemption", () => {
    const scenario = loadScenario(TOPUP);
    // The kernel's order: -EAGAIN, the iterator restarts and finds what the invalidation left.
    for (const d of [...CORRECT, "split-after-drop"]) expect({ d, verdict: exhaustive({ variant: lvariant(d), scenario, preemptions: 2 }).summary.verdict }).toEqual({ d, verdict: "verified" });
    const base = lvariant("merged-aligned-callers");
    const inPlace = function* (kvm: Kvm, slot: number, huge_sptep: number): KGen<number> {
      if (kvm.sym.need_topup_split_caches_or_resched(kvm)) {
        yield write_unlock("shadow_mmu_try_split_huge_page: before topup_split_caches");
        topup_split_caches(kvm);
        yield write_lock("shadow_mmu_try_split_huge_page: after topup_split_caches");
      }
      yield* kvm.sym.shadow_mmu_split_huge_page(kvm, slot, huge_sptep);
      return 0;
    };
    const variant = { ...base, symbols: applyLocklessOverrides(base.kernelDesign.overrides, () => ({ shadow_mmu_try_split_huge_page: inPlace })) };
    expect(exhaustive({ variant, scenario, preemptions: 0 }).summary.verdict).toBe("verified");
    const v = exhaustive({ variant, scenario, preemptions: 1 }).summary.violation;
    expect({ invariant: v?.invariant, preemptions: v?.preemptions }).toEqual({ invariant: "RMAP-COMPLETE", preemptions: 1 });
    expect(v?.detail).toMatch(/not present/);
  });

  test("the split cache top-up happens once per run: the split's walk unlocks mmu_lock for it at the first huge spte only", () => {
    const sc = loadScenario("lockless-eager-split-vs-age");
    // Two huge sptes to split (a level-3 one, split into level-2 children that are split again, and a level-2 one in quadrant 1).
    const trace = { subject: "lockless-aging", design: "merged", config: { kvm: (sc.config as { kvm: object }).kvm, slot }, setup: [nested(0, 3), nested(2, 2, 1, false)], threads: [{ role: "mmu", ops: [enable] }], preemptions: [] } as Trace;
    const r = runObserved(trace as Parameters<typeof runObserved>[0], lvariant("merged"));
    expect(r.violation).toBeNull();
    expect(r.world.kvm.split_caches_filled).toBe(true);
    expect(r.labels.filter((l) => /before topup_split_caches: write_unlock/.test(l)).length).toBe(1);
    expect(r.labels.filter((l) => /shadow_mmu_split_huge_page: huge_spte = READ_ONCE/.test(l)).length).toBeGreaterThanOrEqual(3);
  });

  test("each mutant of origin split: its violation with its fewest preemptions, none with fewer", () => {
    for (const [m, s, inv, k] of MUTANTS) {
      expect({ m, s, below: exhaustive({ variant: lvariant(null, m), scenario: loadScenario(s), preemptions: k - 1 }).summary.verdict }).toEqual({ m, s, below: "verified" });
      const v = exhaustive({ variant: lvariant(null, m), scenario: loadScenario(s), preemptions: k }).summary.violation;
      expect({ m, s, invariant: v?.invariant, preemptions: v?.preemptions }).toEqual({ m, s, invariant: inv, preemptions: k });
    }
  });
});
