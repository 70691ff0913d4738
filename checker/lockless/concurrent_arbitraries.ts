/**
 * fast-check arbitraries for concurrent traces of the lockless subject: a
 * small configuration, a sequential set-up that fills rmaps (and leaves some
 * sptes aged, write-protected or logged), one operation list per role (spec
 * §5.2 actors), preemptions, and a seed for the PCT and random schedulers.
 * Every part shrinks.
 */
import fc from "fast-check";
import type { LocklessOp } from "../../model/lockless/operations";
import type { Preemption } from "../../runtime/scheduler";
import type { GeneratedRun, Variant } from "../subject";
import { configArb, hotFaultArb, opArbs } from "./arbitraries";
import { type LocklessTrace, type Role, ROLES } from "./trace_build";
import { asLockless } from "./variants";

type Weighted = Array<[fc.Arbitrary<LocklessOp>, number]>;
const mix = (w: Weighted): fc.Arbitrary<LocklessOp> => fc.oneof(...w.map(([arbitrary, weight]) => ({ arbitrary, weight })));

function roleOps(callers: "any" | "aligned"): Record<Role, fc.Arbitrary<LocklessOp[]>> {
  const a = opArbs(callers);
  return {
    vcpu: fc.array(mix([[a.page_fault, 4], [a.fast_page_fault, 1], [a.hw_access, 1]]), { maxLength: 2 }),
    mmu: fc.array(mix([[a.zap_sp, 2], [a.unmap_gfn_range, 2], [a.get_dirty_log, 2], [a.write_protect_gfn, 1], [a.page_fault, 1]]), { maxLength: 2 }),
    ager: fc.array(mix([[a.clear_young, 3], [a.test_young, 1]]), { maxLength: 2 }),
    guest: fc.array(mix([[a.hw_access, 2], [a.fast_page_fault, 2]]), { maxLength: 3 }),
    ager2: fc.array(mix([[a.clear_young, 1], [a.test_young, 1]]), { maxLength: 1 }),
  };
}

/**
 * The set-up: a few faults around the hot spot (so that one rmap grows past
 * PTE_LIST_EXT), then at most two operations that leave sptes in the states
 * the lockless paths act on: aged (access-tracked without EPT A/D), harvested
 * by the dirty log (write-protected, or D cleared with PML), write-tracked.
 */
function setupArb(callers: "any" | "aligned"): fc.Arbitrary<LocklessOp[]> {
  const a = opArbs(callers);
  const after = mix([[a.clear_young, 3], [a.get_dirty_log, 3], [a.write_protect_gfn, 1], [a.hw_access, 1]]);
  return fc.tuple(fc.array(hotFaultArb, { minLength: 1, maxLength: 6 }), fc.array(after, { maxLength: 2 })).map(
    ([faults, rest]) => [...faults, ...rest],
    (v) => {
      const ops = v as LocklessOp[];
      const n = ops.findIndex((o) => o.kind !== "page_fault");
      const cut = n < 0 ? ops.length : n;
      return [ops.slice(0, cut), ops.slice(cut)];
    },
  );
}

const threadId = fc.integer({ min: 0, max: ROLES.length - 1 });
export const preemptionArb: fc.Arbitrary<Preemption> = fc.record({ thread: threadId, after: fc.integer({ min: 0, max: 100 }), to: threadId });

export function locklessRunArb(v: Variant): fc.Arbitrary<GeneratedRun> {
  const callers = asLockless(v).kernelDesign.callers;
  const ops = roleOps(callers);
  const trace: fc.Arbitrary<LocklessTrace> = fc.record({
    subject: fc.constant("lockless-aging"),
    design: fc.constant(v.design.name),
    config: configArb,
    setup: setupArb(callers),
    threads: fc.tuple(...ROLES.map((role) => fc.record({ role: fc.constant(role), ops: ops[role] }))),
    preemptions: fc.array(preemptionArb, { maxLength: 5 }),
  });
  return fc.record({ trace, seed: fc.nat() });
}
