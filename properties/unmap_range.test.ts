/**
 * UNMAP-RANGE (checker/lockless/oracle/unmap_calls.ts): the lockless
 * subject's postcondition of kvm_unmap_gfn_range and kvm_zap_gfn_range,
 * checked in concurrent runs. A TDP MMU gate that skips the rmap walk
 * (memslots-have-rmaps-tdp-only) leaves a nested spte mapped after the
 * invalidation, caught with no preemption on a two-thread scenario (the shape
 * of lockless-tdp-s1's); the correct designs verify the scenarios within 2
 * preemptions, a fault after the invalidation included; and DPOR with the
 * declared footprint (resource UNMAP, checker/lockless/exhaustive_resources.ts)
 * agrees with plain enumeration on them. Small scenarios only. (As with the
 * series' NOTIFY: no scenario here fails when UNMAP alone is left undeclared,
 * since every step that writes it also writes AGING or takes mmu_lock, which
 * order it already; UNMAP rests on the argument in exhaustive_resources.ts.
 * Without the exemption for a mapping another thread made present again,
 * unmap-vs-tdp-refault is a false alarm.)
 */
import { scenarioOf } from "../checker/exhaustive/scenario";
import { exhaustive } from "../checker/jobs/exhaustive";
import { LOCKLESS, lvariant } from "./lockless_support";
import { expectDporAgreesWithPlain } from "./dpor_outcomes";

const fault = (gfn: number, nested: boolean) => ({ kind: "page_fault", gfn, level: 1, quadrant: 0, write: true, nested });
/** lockless-tdp-s1's configuration: TDP MMU on, one slot of two pages at hva 0x40, no dirty logging. */
const scenario = (name: string, setup: object[], a: { role: string; op: object }, b: { role: string; op: object }) =>
  scenarioOf({
    name,
    description: `unmap_range.test.ts: ${name}`,
    subject: "lockless-aging",
    config: {
      kvm: { PTE_LIST_EXT: 2, levelShift: 1, KVM_MAX_HUGEPAGE_LEVEL: 3, sptesPerPage: 4, RMAP_RECYCLE_THRESHOLD: 1000, kvm_ad_enabled: true, dirtyLogging: false, pml: false, tdp_mmu_enabled: true },
      slot: { baseGfn: 0, npages: 2, userspaceAddr: 64 },
    },
    setup,
    threads: [{ role: a.role, ops: [a.op] }, { role: b.role, ops: [b.op] }],
  }, "unmap_range.test.ts");

/** The first nested fault (it sets shadow_root_allocated) against an invalidation of both gfns. */
const NESTED = scenario("unmap-vs-nested-fault", [], { role: "vcpu", op: fault(1, true) }, { role: "mmu", op: { kind: "unmap_gfn_range", start: 64, end: 66 } });
/**
 * gfn 1 mapped by a nested spte and by the TDP MMU, invalidated beside a TDP MMU fault of it that may map it again
 * between range_end's release of mmu_lock and the call's return (the exemption; without it a false alarm).
 */
const REFAULT = scenario("unmap-vs-tdp-refault", [fault(1, true), fault(1, false)], { role: "mmu", op: { kind: "unmap_gfn_range", start: 65, end: 66 } }, { role: "vcpu", op: fault(1, false) });
/** kvm_zap_gfn_range over a nested spte and a TDP MMU mapping, beside a nested fault of the other gfn. */
const ZAP = scenario("zap-gfn-range-vs-nested-fault", [fault(0, false), fault(1, true)], { role: "mmu", op: { kind: "zap_gfn_range", start: 0, end: 2 } }, { role: "vcpu", op: fault(0, true) });
const SCENARIOS = [NESTED, REFAULT, ZAP];

const CORRECT = ["merged-aligned-callers", "index-walk", "merged-one-read"];
const run = (s: typeof NESTED, design: string | null, mutant: string | null = null, preemptions = 2) =>
  exhaustive({ variant: lvariant(design, mutant), scenario: s, preemptions }).summary;

test("memslots-have-rmaps-tdp-only: UNMAP-RANGE with no preemption (the nested spte left mapped)", () => {
  expect(run(NESTED, null, "memslots-have-rmaps-tdp-only").violation).toMatchObject({ invariant: "UNMAP-RANGE", preemptions: 0 });
  expect(run(REFAULT, null, "memslots-have-rmaps-tdp-only").violation).toMatchObject({ invariant: "UNMAP-RANGE", preemptions: 0 });
});

test("the correct lockless designs verify the three scenarios within 2 preemptions, cross-checked by behaviour at 1", () => {
  for (const d of CORRECT) {
    for (const s of SCENARIOS) {
      const r = exhaustive({ variant: lvariant(d), scenario: s, preemptions: 2, crossCheck: { bound: 1 } }).summary;
      const c = r.crossCheck;
      expect({ d, s: s.name, verdict: r.verdict, missed: c?.missed, complete: c?.complete }).toEqual({ d, s: s.name, verdict: "verified", missed: 0, complete: true });
    }
  }
});

test("DPOR with the declared footprint agrees with plain enumeration on them (correct designs and the mutant, 1 preemption)", () => {
  const variants = [...CORRECT.map((d) => lvariant(d)), lvariant(null, "memslots-have-rmaps-tdp-only")];
  const compared = expectDporAgreesWithPlain(LOCKLESS, SCENARIOS, variants);
  expect(compared).toBe(SCENARIOS.length * 4);
});

