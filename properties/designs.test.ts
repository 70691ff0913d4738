/**
 * Each design variant does what its name says, visibly in its steps, and the
 * two fixes of docs/findings.md are each necessary.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { SMALL_CONFIG } from "../impl/config";
import { listing } from "../checker/variants";
import type { OpDesc } from "../model/operations";
import { loadCounterexample as load } from "../checker/report/cx_read";
import { runTrace, type Trace } from "../checker/search/trace";
import { variant } from "./variants";

/** Run a trace's operations and preemptions under `design`. */
const under = (t: Trace, design: string) => runTrace({ ...t, design }, variant(design)).result;

/** The labels of a sequential delete of a populated slot under `design`. */
function deleteLabels(design: string): string[] {
  const t: Trace = {
    design,
    config: { kvm: SMALL_CONFIG, slots: [{ id: 0, baseGfn: 0, npages: 2, userspaceAddr: 0x40 }] },
    setup: [0, 1, 2].map((q): OpDesc => ({ kind: "page_fault", gfn: 0, level: 1, write: true, quadrant: q })),
    threads: [{ role: "ioctl", ops: [{ kind: "delete_slot", id: 0 }] }],
    preemptions: [],
  };
  const r = under(t, design);
  expect(r.violation).toBeNull();
  return r.trace.map((s) => s.label);
}

const corpus = (prefix: string) => load(join(__dirname, "corpus", readdirSync(join(__dirname, "corpus")).find((f) => f.startsWith(prefix))!)).cx;

describe("design variants", () => {
  test("v3 resets invalid entries with a plain store, v3-skip-cmpxchg with cmpxchg", () => {
    expect(deleteLabels("v3").some((l) => /pte_list_clear_concurrently: store .* = SKIP/.test(l))).toBe(true);
    const c = deleteLabels("v3-skip-cmpxchg");
    expect(c.some((l) => /pte_list_clear_concurrently: cmpxchg .*, spte, SKIP/.test(l))).toBe(true);
    expect(c.some((l) => /pte_list_clear_concurrently: store/.test(l))).toBe(false);
  });

  test("v3 publishes being_unmapped_rmap, v3-no-handshake does not", () => {
    expect(deleteLabels("v3").some((l) => l.includes("being_unmapped_rmap = rmapp"))).toBe(true);
    expect(deleteLabels("v3-no-handshake").some((l) => l.includes("being_unmapped_rmap"))).toBe(false);
  });

  test("v3-fixed takes mmu_lock once more after the lock-free unmap; the baseline zaps under the lock and has no lock-free path", () => {
    expect(deleteLabels("v3-fixed").filter((l) => l.endsWith("(barrier)")).length).toBe(2);
    expect(deleteLabels("v3").some((l) => l.endsWith("(barrier)"))).toBe(false);
    const b = deleteLabels("baseline");
    expect(b.some((l) => l.startsWith("kvm_mmu_zap_all"))).toBe(true);
    expect(b.some((l) => l.startsWith("__kvm_unmap_invalid_rmapp"))).toBe(false);
  });

  test("each fix alone leaves the other race (F1 needs fix 1, F2 needs fix 2)", () => {
    const f1 = corpus("v3-INV-SP-LIVE").trace;
    expect(under(f1, "v3-fix2-only").violation?.invariant).toBe("INV-SP-LIVE");
    expect(under(f1, "v3-fix1-only").violation).toBeNull();
    const f2 = corpus("v3-fix1-only-KERNEL-BUG").trace;
    expect(under(f2, "v3-fix2-only").violation).toBeNull();
    expect(under(f2, "v3").violation).not.toBeNull();
  });

  test("every design has a summary and is reachable by name", () => {
    for (const d of listing().designs) {
      expect(variant(d.name).design.name).toBe(d.name);
      expect(d.summary.length).toBeGreaterThan(20);
    }
  });
});
