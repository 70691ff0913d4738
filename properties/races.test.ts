/**
 * Small races explored exhaustively: every schedule with at most one
 * preemption after either thread starts, for hand-written traces of two
 * threads racing on one spte.
 * The correct implementation passes all of them; the A/D races are really
 * reached (some schedule shows the lost-update window), and a mutant that
 * loses a bit fails in at least one.
 */
import { SMALL_CONFIG } from "../impl/config";
import type { OpDesc } from "../model/operations";
import { runTrace, type Trace } from "../checker/search/trace";
import type { Variant } from "../checker/variants";
import { WINDOWS, WindowWatcher } from "../checker/series/windows";
import { variant } from "./variants";

function trace(setup: OpDesc[], a: OpDesc, b: OpDesc): Trace {
  return {
    design: "v3-fixed",
    config: { kvm: SMALL_CONFIG, slots: [{ id: 0, baseGfn: 0, npages: 2, userspaceAddr: 0x40 }] },
    setup,
    threads: [
      { role: "notifier", ops: [a] },
      { role: "hw", ops: [b] },
    ],
    preemptions: [],
  };
}

/**
 * Every schedule with at most one preemption, starting with either thread:
 * the invariant each violated (or null), and the labels it ran as
 * "thread:label" (thread 0 is the first thread of `t`).
 */
function everySinglePreemption(t: Trace, v: Variant = variant(t.design)) {
  const out: Array<{ violation: string | null; labels: string[]; windows: string[]; preemptions: number }> = [];
  const run = (preemptions: Trace["preemptions"]) => {
    const w = new WindowWatcher();
    const r = runTrace({ ...t, preemptions }, v, { observers: [w] }).result;
    out.push({ violation: r.violation?.invariant ?? null, labels: r.trace.map((s) => `${s.thread}:${s.label}`), windows: [...w.reached], preemptions: preemptions.length });
    return r;
  };
  for (const first of [0, 1]) {
    const start = first === 0 ? [] : [{ thread: 0, after: 0, to: 1 }];
    const alone = run(start);
    for (let thread = 0; thread < 2; thread++) {
      const steps = alone.trace.filter((s) => s.thread === thread).length;
      for (let after = thread === 0 && first === 1 ? 1 : 0; after <= steps; after++) run([...start, { thread, after, to: 1 - thread }]);
    }
  }
  return out;
}

const fault = (write: boolean): OpDesc => ({ kind: "page_fault", gfn: 0, level: 1, write, quadrant: 0 });
const hwWrite: OpDesc = { kind: "hw_access", gfn: 0, level: 1, quadrant: 0, write: true };

describe("races on one spte, every single-preemption schedule", () => {
  const cases: Array<[string, OpDesc[], OpDesc]> = [
    ["a notifier unmap against a hardware write", [fault(true)], { kind: "unmap_hva_range", start: 0x40, end: 0x41 }],
    ["an age against a hardware write", [fault(true)], { kind: "age_hva", hva: 0x40 }],
    ["a change_pte against a hardware write", [fault(true)], { kind: "set_spte_hva", hva: 0x40, pfn: 0x200, write: false }],
    ["a dirty-log write-protect against a hardware write", [fault(true)], { kind: "get_dirty_log", gfn: 0 }],
    ["a zap against a hardware write", [fault(true)], { kind: "zap_page", gfn: 0, level: 1, quadrant: 0, which: "oldest" }],
  ];
  for (const [what, setup, op] of cases) {
    test(`${what}: no violation on any schedule`, () => {
      const runs = everySinglePreemption(trace(setup, op, hwWrite));
      expect(runs.length).toBeGreaterThan(10);
      expect(runs.filter((r) => r.violation !== null)).toEqual([]);
    });
  }

  test("a vCPU fault updating a spte against a hardware write: the D bit moves to the page", () => {
    const t: Trace = { ...trace([fault(true)], fault(true), hwWrite), threads: [{ role: "vcpu", ops: [fault(true)] }, { role: "hw", ops: [hwWrite] }] };
    const runs = everySinglePreemption(t);
    expect(runs.filter((r) => r.violation !== null)).toEqual([]);
    // The window is reached: the fault's mmu_spte_update propagates a D bit it did not load.
    expect(runs.some((r) => r.labels.includes("0:kvm_set_pfn_dirty"))).toBe(true);
  });

  test("a dirty-log write-protect against a hardware read of an aged spte: the A bit set in between reaches the page", () => {
    const aged = [fault(true), { kind: "age_hva", hva: 0x40 } as OpDesc];
    const runs = everySinglePreemption(trace(aged, { kind: "get_dirty_log", gfn: 0 }, { kind: "hw_access", gfn: 0, level: 1, quadrant: 0, write: false }));
    expect(runs.filter((r) => r.violation !== null)).toEqual([]);
    // The window is reached: mmu_spte_update's xchg returns the A bit hardware set after its load.
    expect(runs.some((r) => r.labels.includes("0:kvm_set_pfn_accessed"))).toBe(true);
  });

  test("fast_page_fault against an unmap of the same spte: its return value follows its cmpxchg", () => {
    const setup = [fault(true), { kind: "get_dirty_log", gfn: 0 } as OpDesc];
    const runs = everySinglePreemption(trace(setup, { kind: "unmap_hva_range", start: 0x40, end: 0x41 }, { kind: "fast_page_fault", gfn: 0, quadrant: 0 }));
    expect(runs.filter((r) => r.violation !== null)).toEqual([]);
    // Both outcomes are reached: the cmpxchg wins on some schedule and fails on another
    // (the unmap cleared the spte between fast_page_fault's load and its cmpxchg).
    const cmpxchgAfterClear = (labels: string[]) => {
      const load = labels.indexOf("1:fast_page_fault: load *sptep");
      const clear = labels.findIndex((l) => l.startsWith("0:mmu_spte_clear_track_bits: xchg"));
      const cas = labels.findIndex((l) => l.startsWith("1:fast_pf_fix_direct_spte: cmpxchg"));
      return load >= 0 && cas > clear && clear > load;
    };
    expect(runs.some((r) => cmpxchgAfterClear(r.labels))).toBe(true);
    expect(runs.some((r) => r.labels.some((l) => l.startsWith("1:fast_pf_fix_direct_spte")) && !cmpxchgAfterClear(r.labels))).toBe(true);
  });

  // The benchmark measures how often the default search reaches these windows
  // (checker/series/windows.ts); its watcher must see each one here, where the
  // schedule is built to reach it, and only when a preemption lands inside it.
  test("each race window the benchmark measures is reached by its hand-written trace, and only with a preemption inside it", () => {
    const aged = [fault(true), { kind: "age_hva", hva: 0x40 } as OpDesc];
    const byWindow: Record<string, Trace> = {
      "a notifier unmap against a hardware write": trace([fault(true)], { kind: "unmap_hva_range", start: 0x40, end: 0x41 }, hwWrite),
      "an age against a hardware write": trace([fault(true)], { kind: "age_hva", hva: 0x40 }, hwWrite),
      "a change_pte against a hardware write": trace([fault(true)], { kind: "set_spte_hva", hva: 0x40, pfn: 0x200, write: false }, hwWrite),
      "a dirty-log write-protect against a hardware write": trace([fault(true)], { kind: "get_dirty_log", gfn: 0 }, hwWrite),
      "a zap against a hardware write": trace([fault(true)], { kind: "zap_page", gfn: 0, level: 1, quadrant: 0, which: "oldest" }, hwWrite),
      "a vCPU fault updating a spte against a hardware write": { ...trace([fault(true)], fault(true), hwWrite), threads: [{ role: "vcpu", ops: [fault(true)] }, { role: "hw", ops: [hwWrite] }] },
      "a dirty-log write-protect against a hardware read of an aged spte": trace(aged, { kind: "get_dirty_log", gfn: 0 }, { kind: "hw_access", gfn: 0, level: 1, quadrant: 0, write: false }),
      "fast_page_fault against an unmap of the same spte": trace([fault(true), { kind: "get_dirty_log", gfn: 0 }], { kind: "unmap_hva_range", start: 0x40, end: 0x41 }, { kind: "fast_page_fault", gfn: 0, quadrant: 0 }),
    };
    expect(Object.keys(byWindow).sort()).toEqual(WINDOWS.map((w) => w.name).sort());
    for (const w of WINDOWS) {
      const runs = everySinglePreemption(byWindow[w.name]!);
      expect({ window: w.name, reached: runs.some((r) => r.windows.includes(w.name)) }).toEqual({ window: w.name, reached: true });
      expect(runs.filter((r) => r.preemptions === 0).flatMap((r) => r.windows)).toEqual([]);
    }
  });

  for (const [name, setup, op, other] of [
    ["volatile-bits-ignored", [fault(true)], { kind: "unmap_hva_range", start: 0x40, end: 0x41 }, hwWrite],
    ["age-plain-clear", [fault(true)], { kind: "age_hva", hva: 0x40 }, hwWrite],
    ["fast-pf-plain-store", [fault(true), { kind: "get_dirty_log", gfn: 0 }], { kind: "unmap_hva_range", start: 0x40, end: 0x41 }, { kind: "fast_page_fault", gfn: 0, quadrant: 0 }],
  ] as Array<[string, OpDesc[], OpDesc, OpDesc]>) {
    test(`mutant ${name} loses an update on some schedule`, () => {
      const runs = everySinglePreemption(trace(setup, op, other), variant("v3-fixed", name));
      expect(runs.some((r) => r.violation === "INV-AD" || r.violation === "INV-REFINE")).toBe(true);
    });
  }
});
