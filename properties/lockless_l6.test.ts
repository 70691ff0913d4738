/**
 * L6 (docs/findings-lockless.md): 6.15's lockless ager elides its readonly
 * rmap lock on an empty rmap (kvm_rmap_lock_readonly returns 0), then walks
 * whatever for_each_rmap_spte_lockless re-reads (rmap_get_first ->
 * kvm_rmap_get); a fault's first add lands in between, a shadow-page zap
 * removes that entry (the rmap lock is free) and frees the page, and the
 * ager's READ_ONCE / clear_bit touch the freed page. Pinned here on the
 * scenario lockless-elided-add-vs-zap: every design with the merged walk
 * shows it with exactly two preemptions (none with one), the ager's access
 * to a freed shadow page; the candidate change age-skips-elided (walk only a
 * locked rmap) is verified there with three, and on the memslot-deletion
 * shape the sampled search first met it on. No page free is needed: on
 * lockless-elided-desc-vs-unmap the faults build a desc, an invalidation
 * frees it, and the ager reads the freed desc.
 */
import { join } from "node:path";
import { loadScenario } from "../checker/exhaustive/scenario_files";
import { exhaustive } from "../checker/jobs/exhaustive";
import { lvariant } from "./lockless_support";

const SCENARIO = "lockless-elided-add-vs-zap";
const MERGED_WALK = ["merged", "merged-aligned-callers", "index-walk", "merged-one-read"];

describe("L6: the walk after an elided readonly lock", () => {
  test.each(MERGED_WALK)("%s: verified with one preemption, INV-MEM on a freed shadow page with two", (design) => {
    const one = exhaustive({ variant: lvariant(design), scenario: loadScenario(SCENARIO), preemptions: 1 }).summary;
    expect(one.verdict).toBe("verified");
    const two = exhaustive({ variant: lvariant(design), scenario: loadScenario(SCENARIO), preemptions: 2 }).summary;
    expect(two.verdict).toBe("violation");
    expect(two.violation!.invariant).toBe("INV-MEM");
    expect(two.violation!.preemptions).toBe(2);
    expect(two.violation!.detail).toMatch(/use-after-free .*(clear_bit|READ_ONCE\(\*sptep\)).*freed spt/);
  });

  test("age-skips-elided (walk only an rmap the readonly lock locked) is verified with three preemptions", () => {
    const s = exhaustive({ variant: lvariant("age-skips-elided"), scenario: loadScenario(SCENARIO), preemptions: 3 }).summary;
    expect(s.verdict).toBe("verified");
    expect(s.exhaustive.complete).toBe(true);
  });

  test("age-skips-elided on the shape the sampled search met it on (a fault, a memslot deletion, two aging calls), three preemptions", () => {
    const scenario = loadScenario(join(__dirname, "findings", "lockless-l6-delete.json"));
    expect(exhaustive({ variant: lvariant("merged-aligned-callers"), scenario, preemptions: 3 }).summary.violation?.invariant).toBe("INV-MEM");
    expect(exhaustive({ variant: lvariant("age-skips-elided"), scenario, preemptions: 3 }).summary.verdict).toBe("verified");
  }, 120_000);

  // No page needs to be freed: an invalidation that drops both entries frees the desc the faults built.
  test.each(MERGED_WALK)("%s: lockless-elided-desc-vs-unmap, the ager reads a freed pte_list_desc with two preemptions (none with one)", (design) => {
    const scenario = loadScenario("lockless-elided-desc-vs-unmap");
    expect(exhaustive({ variant: lvariant(design), scenario, preemptions: 1 }).summary.verdict).toBe("verified");
    const two = exhaustive({ variant: lvariant(design), scenario, preemptions: 2 }).summary;
    expect(two.violation?.invariant).toBe("INV-MEM");
    expect(two.violation?.preemptions).toBe(2);
    expect(two.violation?.detail).toMatch(/use-after-free .*desc.*freed pte_list_desc/);
  });

  test("age-skips-elided is verified on lockless-elided-desc-vs-unmap with three preemptions", () => {
    const s = exhaustive({ variant: lvariant("age-skips-elided"), scenario: loadScenario("lockless-elided-desc-vs-unmap"), preemptions: 3 }).summary;
    expect(s.verdict).toBe("verified");
  }, 120_000);

  test("split-after-drop (age-skips-elided with L5's change, a split these scenarios do not run) is verified on both L6 scenarios with three preemptions", () => {
    for (const name of ["lockless-elided-add-vs-zap", "lockless-elided-desc-vs-unmap"]) {
      expect({ name, verdict: exhaustive({ variant: lvariant("split-after-drop"), scenario: loadScenario(name), preemptions: 3 }).summary.verdict }).toEqual({ name, verdict: "verified" });
    }
  }, 120_000);
});
