/**
 * Bad input to the kernel functions produces the kernel's BUG() or WARN_ON()
 * (or the memory fault a wild pointer would cause) as a typed, named error.
 */
import { KERNEL_CONFIG, SMALL_CONFIG } from "../impl/config";
import { __drop_large_spte } from "../impl/handlers";
import { mmu_spte_set, mmu_spte_update } from "../impl/spte";
import { PT_PAGE_SIZE_MASK } from "../impl/spte_bits";
import { variant } from "./variants";
import { pte_list_add, pte_list_remove } from "../impl/pte_list";
import { __gfn_to_rmap, gfn_to_memslot } from "../impl/memslot";
import { kvm_mmu_page_fault } from "../impl/page_fault";
import { rmap_write_protect } from "../impl/write_protect";
import { invalid_rmap_add } from "../impl/invalid_rmap";
import { KernelBug } from "../impl/kernel_bug";
import { MemoryFault, WarningFired } from "../runtime/errors";
import { type KGen, load } from "../runtime/step";
import { Thread } from "../runtime/thread";
import { installedSlots } from "../checker/series/oracle/impl_state";
import { makeWorld } from "../checker/series/world";

function world(warnIsFatal = true) {
  const t = new Thread(0, "t", []);
  const w = makeWorld({ kvm: SMALL_CONFIG, slots: [{ id: 0, baseGfn: 0, npages: 4, userspaceAddr: 0x40 }] }, variant("v3"), [t], { warnIsFatal });
  const head = installedSlots(w.kvm)[0]!.heads[0]![0]!;
  return { w, t, head, run: <T>(g: KGen<T>): T => w.machine.runSolo(t, g) };
}

function sptesOf(run: ReturnType<typeof world>["run"], w: ReturnType<typeof world>["w"], n: number): number[] {
  const out: number[] = [];
  for (let q = 0; q < n; q++) out.push(run(kvm_mmu_page_fault(w.kvm, 0, 1, false, q)).sptep);
  return out;
}

describe("bad input is a typed, named kernel error", () => {
  test("pte_list_remove on an empty list is BUG 0->BUG", () => {
    const { w, run, head } = world();
    expect(() => run(pte_list_remove(w.kvm, 0x1000, head))).toThrow(KernelBug);
    expect(() => run(pte_list_remove(w.kvm, 0x1000, head))).toThrow(/0->BUG/);
  });

  test("pte_list_remove of a spte that is not the single entry is BUG 1->BUG", () => {
    const { w, run, head } = world();
    const [a] = sptesOf(run, w, 1);
    expect(() => run(pte_list_remove(w.kvm, a! + 8, head))).toThrow(/1->BUG/);
  });

  test("pte_list_remove of a spte missing from a desc list is BUG many->many", () => {
    const { w, run, head } = world();
    const sptes = sptesOf(run, w, 4);
    let err: unknown;
    try {
      run(pte_list_remove(w.kvm, sptes[0]! + 8, head));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelBug);
    expect((err as KernelBug).name).toBe("KernelBug");
    expect((err as KernelBug).detail).toMatch(/many->many/);
  });

  test("a gfn outside every slot is a NULL memslot dereference (BUG)", () => {
    const { w, run } = world();
    expect(() => run(rmap_write_protect(w.kvm, 100))).toThrow(KernelBug);
    expect(run(gfn_to_memslot(w.kvm, 100))).toBe(0);
  });

  test("a gfn beyond its slot indexes past the rmap array: a memory fault, not a silent read", () => {
    const { w, run } = world();
    const slot = run(gfn_to_memslot(w.kvm, 0));
    const rmapp = __gfn_to_rmap(w.kvm, 64, 1, slot);
    function* readHead(): KGen<number> {
      return yield load(rmapp, "rmap", "test: load *rmapp");
    }
    expect(() => run(readHead())).toThrow(MemoryFault);
  });

  test("an add on an invalid slot is WARN_ON in invalid_rmap_add and adds nothing", () => {
    const { w, run, head } = world();
    expect(() => run(invalid_rmap_add(w.kvm, 0x1000, head))).toThrow(WarningFired);
    const lenient = world(false);
    expect(lenient.run(invalid_rmap_add(lenient.w.kvm, 0x1000, lenient.head))).toBe(0);
    expect(lenient.w.machine.warnings).toEqual(["invalid_rmap_add: WARN_ON(1)"]);
    expect(lenient.w.kvm.mem.peek(lenient.head)).toBe(0);
  });

  test("rmap_write_protect through a slot switched to invalid_rmap_ops is WARN_ON", () => {
    const { w, run } = world();
    run(kvm_mmu_page_fault(w.kvm, 1, 1, true, 0));
    const slot = run(gfn_to_memslot(w.kvm, 1));
    run(w.kvm.sym.kvm_mmu_invalidate_memslot_pages_locked(w.kvm, [slot]));
    expect(() => run(rmap_write_protect(w.kvm, 1))).toThrow(/invalid_rmap_write_protect: WARN_ON/);
    // With WARN_ON not fatal: nothing is write-protected and no flush is asked for.
    const lenient = world(false);
    const { sptep } = lenient.run(kvm_mmu_page_fault(lenient.w.kvm, 1, 1, true, 0));
    const before = lenient.w.kvm.mem.peek(sptep);
    lenient.run(lenient.w.kvm.sym.kvm_mmu_invalidate_memslot_pages_locked(lenient.w.kvm, [lenient.run(gfn_to_memslot(lenient.w.kvm, 1))]));
    expect(lenient.run(rmap_write_protect(lenient.w.kvm, 1))).toBe(false);
    // One WARN per level's rmap (KVM_NR_PAGE_SIZES = 3).
    expect(lenient.w.machine.warnings).toEqual(Array(3).fill("invalid_rmap_write_protect: WARN_ON(1)"));
    expect(lenient.w.kvm.mem.peek(sptep)).toBe(before);
  });

  test("mmu_spte_set over a present spte is WARN_ON", () => {
    const { w, run } = world();
    const { sptep } = run(kvm_mmu_page_fault(w.kvm, 1, 1, true, 0));
    expect(() => run(mmu_spte_set(w.kvm, sptep, 0x1001))).toThrow(/mmu_spte_set: WARN_ON/);
  });

  test("mmu_spte_update to a non-present value is WARN_ON", () => {
    const { w, run } = world();
    const { sptep } = run(kvm_mmu_page_fault(w.kvm, 1, 1, true, 0));
    expect(() => run(mmu_spte_update(w.kvm, sptep, 0))).toThrow(/mmu_spte_update: WARN_ON/);
  });

  test("a large spte in a level-1 page is WARN_ON in __drop_large_spte", () => {
    const { w, run } = world(false);
    const { sptep } = run(kvm_mmu_page_fault(w.kvm, 1, 1, true, 0));
    const spte = w.kvm.mem.peek(sptep) | PT_PAGE_SIZE_MASK;
    expect(run(__drop_large_spte(w.kvm, sptep, spte))).toBe(true);
    expect(w.machine.warnings).toEqual(["__drop_large_spte: WARN_ON(sp->role.level == PT_PAGE_TABLE_LEVEL)"]);
  });

  test("the kernel's own constants work: PTE_LIST_EXT 3, level shift 9, 512 sptes per page", () => {
    const t = new Thread(0, "t", []);
    const w = makeWorld({ kvm: KERNEL_CONFIG, slots: [{ id: 0, baseGfn: 0, npages: 1024, userspaceAddr: 0x4000 }] }, variant("v3"), [t], { warnIsFatal: true });
    const f = (gfn: number, level: number, q: number) => w.machine.runSolo(t, kvm_mmu_page_fault(w.kvm, gfn, level, true, q));
    expect(f(513, 2, 0).mapped).toBe(true);
    for (let q = 0; q < 5; q++) f(3, 1, q);
    const heads = installedSlots(w.kvm)[0]!.heads;
    expect(heads[0]!.length).toBe(1024);
    expect(heads[1]!.length).toBe(2);
    expect(heads[2]!.length).toBe(1);
  });

  test("pte_list_add into a full last desc never writes sptes[PTE_LIST_EXT]", () => {
    const { w, run, head } = world();
    sptesOf(run, w, 4);
    expect(() => run(pte_list_add(w.kvm, 0x2000, head))).not.toThrow();
  });
});
