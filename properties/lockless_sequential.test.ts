/**
 * Sequential model-based properties of the lockless subject: generated
 * command sequences on the implementation and the model side by side, every
 * invariant after every step and the whole abstract state after every command.
 * Coverage counters are printed, not asserted.
 */
import fc from "fast-check";
import { LocklessCoverage } from "../checker/lockless/oracle/coverage";
import { locklessSequentialProperty } from "../checker/lockless/sequential_property";
import type { SeqFailure } from "../checker/subject";
import { BOUNDS } from "./config";
import { LOCKLESS, lvariant } from "./lockless_support";

const coverage = new LocklessCoverage();

describe("lockless aging, sequential refinement", () => {
  afterAll(() => {
    process.stdout.write(`\nlockless-aging sequential coverage (${BOUNDS.SEQ_RUNS} sequences of merged-aligned-callers, more of the other designs):\n${coverage.table()}\n`);
  });

  test("impl refines model on every sequential trace of the merged code under aligned callers (all levels, A/D on and off, dirty logging)", () => {
    fc.assert(locklessSequentialProperty(lvariant("merged-aligned-callers"), { coverage }), { numRuns: BOUNDS.SEQ_RUNS, seed: BOUNDS.SEQ_SEED });
  });

  test("impl refines model on every sequential trace of index-walk, with any aging range", () => {
    fc.assert(locklessSequentialProperty(lvariant("index-walk"), { coverage }), { numRuns: Math.ceil(BOUNDS.SEQ_RUNS / 2), seed: BOUNDS.SEQ_SEED + 1 });
  });

  test("the merged code with any aging range: an unaligned range misses a huge-page rmap, in one command", () => {
    let last: SeqFailure | null = null;
    const r = fc.check(locklessSequentialProperty(lvariant("merged"), { failed: (f) => (last = f) }), { numRuns: BOUNDS.SEQ_RUNS, seed: BOUNDS.SEQ_SEED });
    expect(r.failed).toBe(true);
    const f = last as SeqFailure | null;
    expect(f?.violation.invariant).toBe("AGE-COVERAGE");
    expect(f!.ops.length).toBe(1);
    expect(LOCKLESS.opText(f!.ops[0])).toMatch(/^kvm_mmu_notifier_clear(_flush)?_young|^kvm_mmu_notifier_test_young/);
  });

  test("descs allocated without __GFP_ZERO break the iterator's NULL-termination within two faults", () => {
    let last: SeqFailure | null = null;
    const r = fc.check(locklessSequentialProperty(lvariant("unzeroed-desc-cache"), { failed: (f) => (last = f) }), { numRuns: BOUNDS.SEQ_RUNS, seed: BOUNDS.SEQ_SEED });
    expect(r.failed).toBe(true);
    expect((last as SeqFailure | null)?.violation.invariant).toBe("DESC-SHAPE");
    expect((last as SeqFailure | null)!.ops.length).toBeLessThanOrEqual(3);
  });
});
