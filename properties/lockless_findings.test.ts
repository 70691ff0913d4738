/**
 * The observations of docs/findings-lockless.md, each pinned by a scenario:
 *   L1  kvm_rmap_age_gfn_range steps a gfn from range->start by
 *       KVM_PAGES_PER_HPAGE(level), so a range that starts inside a huge page
 *       and ends inside the next misses the next huge page's rmap: an accessed
 *       huge spte there is neither reported nor aged;
 *   L2  spte_write_protect computes its new value from its own read, before
 *       mmu_spte_update's read and xchg: an access tracking that lands in
 *       between is undone even by the xchg of the merged code (the spte comes
 *       back young); only Accessed information is lost.
 *   L4  the same two reads let a lock holder lose a D bit: mmu_spte_update
 *       chooses WRITE_ONCE from its own read (W and D set: "not volatile"),
 *       but stores the value spte_write_protect computed from the earlier read
 *       (D clear), so a D the CPU set between the two reads is lost.
 */
import { operation, type LocklessTrace } from "../checker/lockless/trace_build";
import { buildLocklessTrace } from "../checker/lockless/trace_build";
import { fieldOf, MMU_PAGE } from "../impl/lockless/kvm";
import { decodeSpte } from "../model/lockless/encoding";
import { isAccessTracked } from "../model/lockless/spte_values";
import type { LocklessOp } from "../model/lockless/operations";
import { Thread } from "../runtime/thread";
import { LOCKLESS, lvariant, type ObservedRun, schedulesUpTo, stepIndex } from "./lockless_support";

const config = (ad: boolean) => ({
  kvm: { PTE_LIST_EXT: 2, levelShift: 1, KVM_MAX_HUGEPAGE_LEVEL: 3, sptesPerPage: 4, kvm_ad_enabled: ad, dirtyLogging: false, pml: false, RMAP_RECYCLE_THRESHOLD: 1000 },
  slot: { baseGfn: 0, npages: 8, userspaceAddr: 0x40 },
});

/** Run the set-up and then `op` alone with no checker attached; the op's result and the spte of (gfn, level). */
function runAlone(design: string, setup: LocklessOp[], op: LocklessOp, gfn: number, level: number) {
  const trace: LocklessTrace = { subject: LOCKLESS.name, design, config: config(true), setup, threads: [], preemptions: [] };
  const built = buildLocklessTrace(trace, lvariant(design), { tso: false, full: false });
  built.setup();
  const ret = built.machine.runOperation(new Thread(0, "T0", []), operation(built.world, op));
  const kvm = built.world.kvm;
  const sp = kvm.active_mmu_pages.find((p) => kvm.mem.peek(fieldOf(p, MMU_PAGE.level)) === level)!;
  const spt = kvm.mem.peek(fieldOf(sp, MMU_PAGE.spt));
  return { ret, spte: decodeSpte(kvm.mem.peek(fieldOf(spt, (gfn >> (level - 1)) % 4)))! };
}

/** The first spte of the first shadow page a run left (the traces below map one page). */
function firstSpte(r: ObservedRun) {
  const kvm = r.world.kvm;
  return decodeSpte(kvm.mem.peek(kvm.mem.peek(fieldOf(kvm.active_mmu_pages[0]!, MMU_PAGE.spt))))!;
}

describe("findings on the merged code", () => {
  const hugeAt4: LocklessOp = { kind: "page_fault", gfn: 4, level: 2, quadrant: 0, write: false, nested: false };
  const unaligned: LocklessOp = { kind: "clear_young", start: 0x43, end: 0x45, flush: true };

  test("L1: clear_flush_young over gfns [3, 5) reports an accessed 2M-like spte of gfns [4, 6) as old and leaves it young", () => {
    const merged = runAlone("merged", [hugeAt4], unaligned, 4, 2);
    expect(merged.ret).toBe(0);
    expect(merged.spte.accessed).toBe(true);
    const fixed = runAlone("index-walk", [hugeAt4], unaligned, 4, 2);
    expect(fixed.ret).toBe(1);
    expect(fixed.spte.accessed).toBe(false);
  });

  test("L1: the same spte is found when the range is a single page or starts on the huge page", () => {
    expect(runAlone("merged", [hugeAt4], { kind: "clear_young", start: 0x44, end: 0x45, flush: true }, 4, 2).ret).toBe(1);
    expect(runAlone("merged", [hugeAt4], { kind: "clear_young", start: 0x44, end: 0x48, flush: true }, 4, 2).ret).toBe(1);
  });

  test("L2: write tracking undoes a concurrent access tracking through the xchg (no plain store, no lost-update finding)", () => {
    const trace: LocklessTrace = {
      subject: LOCKLESS.name,
      design: "merged",
      config: { ...config(false), slot: { baseGfn: 0, npages: 2, userspaceAddr: 0x40 } },
      setup: [{ kind: "page_fault", gfn: 0, level: 1, quadrant: 0, write: true, nested: false }],
      threads: [
        { role: "mmu", ops: [{ kind: "write_protect_gfn", gfn: 0 }] },
        { role: "ager", ops: [{ kind: "clear_young", start: 0x40, end: 0x41, flush: false }] },
      ],
      preemptions: [],
    };
    const runs = schedulesUpTo(trace, lvariant("merged"), 2);
    expect(runs.every((r) => r.violation === null && r.lost.length === 0)).toBe(true);
    // The ager's cmpxchg lands after write tracking read the spte and before its xchg: nothing else writes the
    // spte in that window, so the cmpxchg wins, and the xchg then writes the value computed from the young spte.
    const window = runs.filter((r) => {
      const age = stepIndex(r, 1, "kvm_rmap_age_gfn_range", "cmpxchg");
      return stepIndex(r, 0, "spte_write_protect", "load") < age && age < stepIndex(r, 0, "mmu_spte_update", "xchg");
    });
    expect(window.length).toBeGreaterThan(0);
    for (const r of window) {
      const v = firstSpte(r);
      expect([isAccessTracked(v), v.accessed, v.w, v.mmuWritable]).toEqual([false, true, false, false]);
    }
  });

  test("L4: a D bit the CPU sets between spte_write_protect's read and mmu_spte_update's read is lost by its plain store", () => {
    const trace: LocklessTrace = {
      subject: LOCKLESS.name,
      design: "merged",
      config: { kvm: { ...config(true).kvm, dirtyLogging: true, pml: true }, slot: { baseGfn: 0, npages: 2, userspaceAddr: 0x40 } },
      // A writable spte whose D the PML harvest cleared (W stays: PML tracks by D).
      setup: [{ kind: "page_fault", gfn: 0, level: 1, quadrant: 0, write: true, nested: false }, { kind: "get_dirty_log", gfn: 0 }],
      threads: [
        { role: "mmu", ops: [{ kind: "write_protect_gfn", gfn: 0 }] },
        { role: "guest", ops: [{ kind: "hw_access", gfn: 0, level: 1, quadrant: 0, write: true, nested: false }] },
      ],
      preemptions: [],
    };
    const runs = schedulesUpTo(trace, lvariant("merged"), 2);
    expect(runs.filter((r) => r.violation !== null)).toEqual([]);
    const between = runs.filter((r) => {
      const walk = stepIndex(r, 1, "hw_access", "or_if");
      return stepIndex(r, 0, "spte_write_protect", "load") < walk && walk < stepIndex(r, 0, "mmu_spte_update", "load");
    });
    expect(between.length).toBeGreaterThan(0);
    for (const r of between) {
      const v = firstSpte(r);
      expect([v.dirty, v.w, v.mmuWritable]).toEqual([false, false, false]);
      expect(stepIndex(r, 0, "mmu_spte_update", "store")).toBeGreaterThan(-1);
    }
  });

  test("split load: with the two loads merged (merged-one-read) L2 stays, and L4's D is lost through the xchg", () => {
    const base = { subject: LOCKLESS.name, design: "merged-one-read", preemptions: [] };
    const l2: LocklessTrace = {
      ...base,
      config: { ...config(false), slot: { baseGfn: 0, npages: 2, userspaceAddr: 0x40 } },
      setup: [{ kind: "page_fault", gfn: 0, level: 1, quadrant: 0, write: true, nested: false }],
      threads: [
        { role: "mmu", ops: [{ kind: "write_protect_gfn", gfn: 0 }] },
        { role: "ager", ops: [{ kind: "clear_young", start: 0x40, end: 0x41, flush: false }] },
      ],
    };
    const r2 = schedulesUpTo(l2, lvariant("merged-one-read"), 2);
    expect(r2.every((r) => r.violation === null && r.lost.length === 0)).toBe(true);
    const w2 = r2.filter((r) => {
      const age = stepIndex(r, 1, "kvm_rmap_age_gfn_range", "cmpxchg");
      return stepIndex(r, 0, "spte_write_protect", "load") < age && age < stepIndex(r, 0, "mmu_spte_update (merged load)", "xchg");
    });
    expect(w2.length).toBeGreaterThan(0);
    for (const r of w2) expect([isAccessTracked(firstSpte(r)), firstSpte(r).accessed, firstSpte(r).w]).toEqual([false, true, false]);
    const l4: LocklessTrace = {
      ...base,
      config: { kvm: { ...config(true).kvm, dirtyLogging: true, pml: true }, slot: { baseGfn: 0, npages: 2, userspaceAddr: 0x40 } },
      setup: [{ kind: "page_fault", gfn: 0, level: 1, quadrant: 0, write: true, nested: false }, { kind: "get_dirty_log", gfn: 0 }],
      threads: [
        { role: "mmu", ops: [{ kind: "write_protect_gfn", gfn: 0 }] },
        { role: "guest", ops: [{ kind: "hw_access", gfn: 0, level: 1, quadrant: 0, write: true, nested: false }] },
      ],
    };
    const r4 = schedulesUpTo(l4, lvariant("merged-one-read"), 2);
    expect(r4.filter((r) => r.violation !== null)).toEqual([]);
    const w4 = r4.filter((r) => {
      const walk = stepIndex(r, 1, "hw_access", "or_if");
      return stepIndex(r, 0, "spte_write_protect", "load") < walk && walk < stepIndex(r, 0, "mmu_spte_update (merged load)", "xchg");
    });
    expect(w4.length).toBeGreaterThan(0);
    for (const r of w4) {
      expect([firstSpte(r).dirty, firstSpte(r).w]).toEqual([false, false]);
      expect(stepIndex(r, 0, "mmu_spte_update (merged load)", "store")).toBe(-1);
    }
  });
});
