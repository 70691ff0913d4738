/**
 * INV-UNMAP and INV-AGE (checker/series/oracle/notifier_calls.ts): the
 * postconditions of the series' MMU-notifier calls, checked in concurrent
 * runs. A walk that misses its range's last rmap (hva-range-misses-last) is
 * caught on two-operation scenarios of series-s1; the correct designs verify
 * them within 2 preemptions; and DPOR with the declared footprint (resource
 * NOTIFY, checker/series/exhaustive_resources.ts) agrees with plain
 * enumeration on them. Small scenarios only: a few seconds in all.
 */
import { scenarioOf } from "../checker/exhaustive/scenario";
import { exhaustive } from "../checker/jobs/exhaustive";
import { DEFAULT_SUBJECT, resolveVariant } from "../checker/variants";
import { expectDporAgreesWithPlain } from "./dpor_outcomes";

const FAULT0 = { kind: "page_fault", gfn: 0, level: 1, write: true, quadrant: 0 };
/** series-s1's ext2 configuration: one slot of one page at hva 0x40, two sptes per shadow page. */
const scenario = (name: string, setup: object[], a: { role: string; op: object | object[] }, b: { role: string; op: object }) =>
  scenarioOf({
    name,
    description: `notifier_calls.test.ts: ${name}`,
    config: { kvm: { PTE_LIST_EXT: 2, levelShift: 1, sptesPerPage: 2, adBits: true }, slots: [{ id: 0, baseGfn: 0, npages: 1, userspaceAddr: 64 }] },
    setup,
    threads: [{ role: a.role, ops: [a.op].flat() }, { role: b.role, ops: [b.op] }],
  }, "notifier_calls.test.ts");

/** series-s1-ext2-s1-t64: the mapped spte must be gone when the unmap returns, whatever the zap of an absent page does. */
const UNMAP = scenario("unmap-vs-zap-absent", [FAULT0], { role: "zapper", op: { kind: "zap_page", gfn: 0, level: 1, quadrant: 1, which: "oldest" } }, { role: "notifier", op: { kind: "unmap_hva_range", start: 64, end: 65 } });
/** A young spte (the set-up fault maps it accessed), aged beside a fault of the same gfn in the other quadrant. */
const AGE = scenario("age-vs-fault", [FAULT0], { role: "notifier", op: { kind: "age_hva", hva: 64 } }, { role: "vcpu", op: { ...FAULT0, quadrant: 1 } });
/** kvm_test_age_hva against a guest write that sets A and D on the same spte. */
const TEST_AGE = scenario("test-age-vs-hw", [FAULT0], { role: "notifier", op: { kind: "test_age_hva", hva: 64 } }, { role: "hw", op: { kind: "hw_access", gfn: 0, level: 1, quadrant: 0, write: true } });
/**
 * The same after an unmap of an hva no slot holds, the spte aged old first: the test_age call begins at the
 * end of the unmap (not with the run), and only a guest write before that makes INV-AGE apply to a missed walk.
 * (The guest write is its operation's last step, and op boundaries are ordered by GEN already: no scenario
 * here fails when NOTIFY alone is left undeclared; NOTIFY rests on the argument in exhaustive_resources.ts.)
 */
const TEST_AGE_SECOND = scenario("test-age-second-vs-hw", [FAULT0, { kind: "age_hva", hva: 64 }], { role: "notifier", op: [{ kind: "unmap_hva_range", start: 65, end: 66 }, { kind: "test_age_hva", hva: 64 }] }, { role: "hw", op: { kind: "hw_access", gfn: 0, level: 1, quadrant: 0, write: true } });
const SCENARIOS = [UNMAP, AGE, TEST_AGE, TEST_AGE_SECOND];

const CORRECT = ["v3-fixed", "baseline", "merged-3.11", "v3-alt-fix1-wq", "zap-roots-v1-track"];
const run = (s: typeof UNMAP, design: string | null, mutant: string | null = null) =>
  exhaustive({ variant: resolveVariant(design, mutant, DEFAULT_SUBJECT), scenario: s, preemptions: 2 }).summary;

test("hva-range-misses-last: INV-UNMAP against a zap, INV-AGE for kvm_age_hva and kvm_test_age_hva, with no preemption", () => {
  expect(run(UNMAP, null, "hva-range-misses-last").violation).toMatchObject({ invariant: "INV-UNMAP", preemptions: 0 });
  expect(run(AGE, null, "hva-range-misses-last").violation).toMatchObject({ invariant: "INV-AGE", preemptions: 0 });
  expect(run(TEST_AGE, null, "hva-range-misses-last").violation).toMatchObject({ invariant: "INV-AGE", preemptions: 0 });
});

test("the correct series designs verify the four notifier scenarios within 2 preemptions, cross-checked by behaviour at 1", () => {
  for (const d of CORRECT) {
    for (const s of SCENARIOS) {
      const r = exhaustive({ variant: resolveVariant(d, null, DEFAULT_SUBJECT), scenario: s, preemptions: 2, crossCheck: { bound: 1 } }).summary;
      const c = r.crossCheck;
      expect({ d, s: s.name, verdict: r.verdict, missed: c?.missed, complete: c?.complete }).toEqual({ d, s: s.name, verdict: "verified", missed: 0, complete: true });
    }
  }
});

test("DPOR with the declared footprint agrees with plain enumeration on them (every design and hva-range-misses-last, 1 preemption)", () => {
  const variants = [...DEFAULT_SUBJECT.designs.map((d) => resolveVariant(d.name, null, DEFAULT_SUBJECT)), resolveVariant(null, "hva-range-misses-last", DEFAULT_SUBJECT)];
  const compared = expectDporAgreesWithPlain(DEFAULT_SUBJECT, SCENARIOS, variants);
  expect(compared).toBeGreaterThanOrEqual(4 * 5);
});

