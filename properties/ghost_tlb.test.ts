/**
 * The ghost TLB (INV-TLB) on its own: a translation the page walk cached
 * must be flushed by whoever narrows the spte, before that operation ends.
 * The kernel's notifier paths are run with and without their flush (calling
 * kvm_handle_hva_range directly is the unmap without the notifier's flush).
 */
import { SMALL_CONFIG } from "../impl/config";
import { variant } from "./variants";
import { kvm_age_hva, kvm_unmap_hva_range } from "../impl/hva";
import type { KGen } from "../runtime/step";
import { Thread } from "../runtime/thread";
import { Violation } from "../checker/violation";
import { GhostTlb } from "../checker/series/oracle/ghost_tlb";
import { implOp } from "../checker/series/operations";
import { makeWorld } from "../checker/series/world";

/** A VM with gfn 0 mapped writable; `walk` is the guest touching it through hardware. */
function vm() {
  const t = new Thread(0, "vcpu0", []);
  const w = makeWorld({ kvm: SMALL_CONFIG, slots: [{ id: 0, baseGfn: 0, npages: 2, userspaceAddr: 0x40 }] }, variant("v3"), [t]);
  const tlb = new GhostTlb(w.kvm);
  w.machine.observers.push(tlb);
  /** Run one operation as t, then check INV-TLB for it. */
  const op = (what: string, g: KGen<number>): number => {
    const r = w.machine.runSolo(t, g);
    tlb.endOperation(t, what);
    return r;
  };
  op("page_fault", implOp(w, { kind: "page_fault", gfn: 0, level: 1, write: true, quadrant: 0 }));
  const walk = (write: boolean) => op("hw_access", implOp(w, { kind: "hw_access", gfn: 0, level: 1, quadrant: 0, write }));
  return { w, op, walk };
}

/** Every step label w runs from now on. */
function labelsOf(w: ReturnType<typeof vm>["w"]): string[] {
  const labels: string[] = [];
  w.machine.observers.push({ afterStep: (m: unknown, t: unknown, s: { label: string }) => void labels.push(s.label), opStart() {}, opEnd() {} });
  return labels;
}

function invariantOf(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof Violation) return e.invariant;
    throw e;
  }
}

describe("INV-TLB: the ghost TLB", () => {
  test("an unmap that flushes (the notifier) leaves nothing cached", () => {
    const { w, op, walk } = vm();
    expect(walk(true)).toBe(1);
    expect(invariantOf(() => op("unmap", kvm_unmap_hva_range(w.kvm, 0x40, 0x41)))).toBeNull();
  });

  test("an unmap that does not flush, after the guest cached the translation, violates INV-TLB", () => {
    const { w, op, walk } = vm();
    walk(false);
    expect(invariantOf(() => op("unmap without flush", w.kvm.sym.kvm_handle_hva_range(w.kvm, 0x40, 0x41, null, "rmap_unmap")))).toBe("INV-TLB");
  });

  test("the same unmap without flush is fine when no vCPU had walked the spte", () => {
    const { w, op } = vm();
    expect(invariantOf(() => op("unmap without flush", w.kvm.sym.kvm_handle_hva_range(w.kvm, 0x40, 0x41, null, "rmap_unmap")))).toBeNull();
  });

  test("clearing A without a flush violates INV-TLB (the CPU would not set A again); clear_flush_young flushes", () => {
    const a = vm();
    a.walk(false);
    expect(invariantOf(() => a.op("age without flush", a.w.kvm.sym.kvm_handle_hva_range(a.w.kvm, 0x40, 0x41, null, "rmap_age")))).toBe("INV-TLB");
    const b = vm();
    b.walk(false);
    expect(invariantOf(() => b.op("clear_flush_young", kvm_age_hva(b.w.kvm, 0x40)))).toBeNull();
  });

  test("a fault that finds the spte mapping another pfn drops it and flushes (mmu_set_spte)", () => {
    const { w, op, walk } = vm();
    // change_pte moved gfn 0 to pfn 0x200; the guest caches that translation.
    op("change_pte", implOp(w, { kind: "set_spte_hva", hva: 0x40, pfn: 0x200, write: false }));
    walk(false);
    const labels = labelsOf(w);
    expect(invariantOf(() => op("page_fault", implOp(w, { kind: "page_fault", gfn: 0, level: 1, write: false, quadrant: 0 })))).toBeNull();
    expect(labels).toContain("mmu_set_spte: kvm_flush_remote_tlbs");
  });

  test("a fault that makes a writable spte read-only flushes (set_spte)", () => {
    const { w, op, walk } = vm();
    walk(true);
    const labels = labelsOf(w);
    expect(invariantOf(() => op("page_fault", implOp(w, { kind: "page_fault", gfn: 0, level: 1, write: false, quadrant: 0 })))).toBeNull();
    expect(labels).toContain("set_spte: kvm_flush_remote_tlbs");
  });
});
