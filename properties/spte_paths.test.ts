/**
 * The fast and slow spte paths, as the kernel chooses them (mmu.c v3.10,
 * spte_has_volatile_bits): mmu_spte_clear_track_bits and mmu_spte_update use
 * one xchg when something outside mmu_lock may change the spte between a load
 * and a store, and a plain load + store otherwise.
 *
 * "May change" is computed here from what the lockless writers do, not from
 * impl/spte_bits.ts: the CPU's page walk (run as the runtime's hw_walk step,
 * for a read and for a write) and fast_page_fault, which the kernel lets set W
 * on any spte with SPTE_HOST_WRITEABLE and SPTE_MMU_WRITEABLE (its
 * spte_is_locklessly_modifiable; the kernel takes the slow path for those
 * even when W is already set).
 *
 * Taking the slow path where the fast one would do is safe but is not what
 * the kernel does (and shows as a different atomic step in every
 * counterexample); taking the fast path where a bit can change loses it (the
 * races in properties/races.test.ts).
 */
import { type KvmConfig, KERNEL_CONFIG, SMALL_CONFIG } from "../impl/config";
import { variant } from "./variants";
import { kvm_mmu_page_fault } from "../impl/page_fault";
import { mmu_spte_clear_no_track, mmu_spte_clear_track_bits, mmu_spte_update } from "../impl/spte";
import {
  PT_ACCESSED_MASK,
  PT_DIRTY_MASK,
  PT_PRESENT_MASK,
  PT_WRITABLE_MASK,
  SPTE_HOST_WRITEABLE,
  SPTE_MMU_WRITEABLE,
} from "../impl/spte_bits";
import { hwWalk } from "../impl/steps";
import type { KGen, StepOp } from "../runtime/step";
import { Thread } from "../runtime/thread";
import { makeWorld } from "../checker/series/world";

const BITS = [PT_PRESENT_MASK, PT_WRITABLE_MASK, PT_ACCESSED_MASK, PT_DIRTY_MASK, SPTE_HOST_WRITEABLE, SPTE_MMU_WRITEABLE];
const NAMES = ["P", "W", "A", "D", "HOST_W", "MMU_W"];

/** Run gen and collect the kind of every atomic step it takes. */
function* recording<T>(gen: KGen<T>, ops: StepOp[]): KGen<T> {
  let r = gen.next(0);
  while (!r.done) {
    ops.push(r.value.op);
    r = gen.next(yield r.value);
  }
  return r.value;
}

/** A VM with one mapped 4K spte; `at(v)` stores v into it and returns its address. */
function oneSpte(cfg: KvmConfig) {
  const t = new Thread(0, "t", []);
  const w = makeWorld({ kvm: cfg, slots: [{ id: 0, baseGfn: 0, npages: 2, userspaceAddr: 0x40 }] }, variant("baseline"), [t]);
  const sptep = w.machine.runSolo(t, kvm_mmu_page_fault(w.kvm, 0, 1, true, 0)).sptep;
  const pfnBits = w.kvm.mem.peek(sptep) & ~0xfff;
  const set = (bits: number) => w.kvm.mem.write(sptep, "spt", pfnBits | bits, "test: set *sptep");
  /** Does one page walk (read or write, A/D as this MMU has them) change the spte now? */
  const walkChanges = (write: boolean): boolean => {
    const before = w.kvm.mem.peek(sptep);
    const ad = cfg.adBits ? PT_ACCESSED_MASK | (write ? PT_DIRTY_MASK : 0) : 0;
    w.machine.runSolo(t, (function* () { yield hwWalk(sptep, ad, write, "test: page walk"); })());
    const changed = w.kvm.mem.peek(sptep) !== before;
    w.kvm.mem.write(sptep, "spt", before, "test: restore *sptep");
    return changed;
  };
  return { w, t, sptep, set, walkChanges };
}

function describeBits(bits: number): string {
  return NAMES.filter((_, i) => bits & BITS[i]!).join("|") || "0";
}

/**
 * For each spte value in `combos`, run what `call` builds on it and report
 * every value where the path (xchg or load + store) is not the one a lockless
 * writer requires, or the spte does not end as `after`.
 */
function wrongPaths(cfg: KvmConfig, combos: number[], call: (s: ReturnType<typeof oneSpte>) => { gen: KGen<unknown>; after: number }): string[] {
  const wrong: string[] = [];
  for (const bits of combos) {
    const s = oneSpte(cfg);
    s.set(bits);
    const lockless = (bits & SPTE_HOST_WRITEABLE) !== 0 && (bits & SPTE_MMU_WRITEABLE) !== 0;
    const volatile = lockless || s.walkChanges(false) || s.walkChanges(true);
    const { gen, after } = call(s);
    const ops: StepOp[] = [];
    s.w.machine.runSolo(s.t, recording(gen, ops));
    const slow = ops.includes("xchg");
    if (slow !== volatile || s.w.kvm.mem.peek(s.sptep) !== after) wrong.push(`${describeBits(bits)}: ${slow ? "xchg" : "load+store"}, expected ${volatile ? "xchg" : "load+store"}`);
  }
  return wrong;
}

/** Every combination of the six bits. */
const COMBOS = Array.from({ length: 1 << BITS.length }, (_, k) => BITS.reduce((acc, b, i) => (k & (1 << i) ? acc | b : acc), 0));

describe.each([
  ["with A/D bits (the kernel's constants)", KERNEL_CONFIG],
  ["without A/D bits (EPT without A/D)", { ...SMALL_CONFIG, adBits: false }],
])("the spte clear and update take the kernel's path %s", (_, cfg) => {
  test("the configuration is the one named", () => {
    // KERNEL_CONFIG is the kernel's own: 3 entries per desc, 9-bit levels, 512 sptes, A/D bits.
    if (cfg === KERNEL_CONFIG) expect(cfg).toEqual({ PTE_LIST_EXT: 3, levelShift: 9, sptesPerPage: 512, adBits: true, BATCH_ZAP_PAGES: 10 });
    else expect(cfg.adBits).toBe(false);
  });

  test("mmu_spte_clear_track_bits: xchg exactly when a lockless writer may change the spte", () => {
    expect(wrongPaths(cfg, COMBOS, (s) => ({ gen: mmu_spte_clear_track_bits(s.w.kvm, s.sptep), after: 0 }))).toEqual([]);
  });

  test("mmu_spte_update (write-protect a present spte): xchg exactly when a lockless writer may change it", () => {
    const present = COMBOS.filter((b) => b & PT_PRESENT_MASK);
    expect(
      wrongPaths(cfg, present, (s) => {
        const next = (s.w.kvm.mem.peek(s.sptep) & ~PT_WRITABLE_MASK) | PT_PRESENT_MASK;
        return { gen: mmu_spte_update(s.w.kvm, s.sptep, next), after: next };
      }),
    ).toEqual([]);
  });

  test("both paths are exercised", () => {
    // Not a tautology check: the enumeration above must include sptes of each kind.
    const kinds = new Set<boolean>();
    for (const bits of COMBOS) {
      const s = oneSpte(cfg);
      s.set(bits);
      kinds.add(s.walkChanges(false) || s.walkChanges(true));
    }
    expect(kinds.size).toBe(cfg.adBits ? 2 : 1);
  });
});

test("mmu_spte_clear_no_track clears with one plain store and tells the page nothing", () => {
  const s = oneSpte(KERNEL_CONFIG);
  s.set(PT_PRESENT_MASK | PT_WRITABLE_MASK | PT_ACCESSED_MASK | PT_DIRTY_MASK);
  const ops: StepOp[] = [];
  s.w.machine.runSolo(s.t, recording(mmu_spte_clear_no_track(s.w.kvm, s.sptep), ops));
  expect(ops).toEqual(["store"]);
  expect(s.w.kvm.mem.peek(s.sptep)).toBe(0);
});
