/**
 * fast-check arbitraries for concurrent traces: a small configuration, a
 * sequential set-up that fills the rmaps, one operation list per actor of the
 * series (spec §2.5-2.7), preemptions, and a seed for the PCT and random
 * schedulers. Every part shrinks (mapped arbitraries carry unmappers, so that
 * a counterexample found by PCT can be handed back to fast-check to shrink).
 */
import fc from "fast-check";
import type { OpDesc } from "../../model/operations";
import type { Preemption } from "../../runtime/scheduler";
import type { GeneratedRun } from "../subject";
import { HVA_BASE, kvmConfigArb, opArbs, slotsArb } from "./arbitraries";
import { placeTrace, unplaceTrace } from "./placement";
import { type Role, ROLES, type SeriesTrace } from "./trace_build";

const pick = (...arbs: fc.Arbitrary<OpDesc>[]) => fc.oneof(...arbs);

const hwRead = opArbs.hw_access.map((o) => ({ ...o, write: false }), (v) => v as OpDesc & { kind: "hw_access" });
const hwWrite = opArbs.hw_access.map((o) => ({ ...o, write: true }), (v) => v as OpDesc & { kind: "hw_access" });
/**
 * The prepared spte itself (preparedSpte below: gfn 0, level 1, quadrant 0 of
 * slot 0): the CPU's access to it, and a zap of the page that holds it, so
 * that the race windows on that spte are entered often, not only when the
 * random arguments happen to name it.
 */
const hwHot = fc.boolean().map(
  (write): OpDesc => ({ kind: "hw_access", gfn: 0, level: 1, quadrant: 0, write }),
  (v) => (v as OpDesc & { kind: "hw_access" }).write,
);
const zapHot = fc.constantFrom("oldest" as const, "newest" as const).map(
  (which): OpDesc => ({ kind: "zap_page", gfn: 0, level: 1, quadrant: 0, which }),
  (v) => (v as OpDesc & { kind: "zap_page" }).which,
);

const roleOps: Record<Role, fc.Arbitrary<OpDesc[]>> = {
  ioctl: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: opArbs.delete_slot as fc.Arbitrary<OpDesc> },
      { weight: 4, arbitrary: opArbs.get_dirty_log as fc.Arbitrary<OpDesc> },
      { weight: 1, arbitrary: opArbs.create_slot as fc.Arbitrary<OpDesc> },
      { weight: 1, arbitrary: opArbs.destroy_vm as fc.Arbitrary<OpDesc> },
    ),
    { maxLength: 2 },
  ),
  zapper: fc.array(pick(opArbs.zap_page, opArbs.zap_page, zapHot, opArbs.invalid_all_pages), { maxLength: 2 }),
  notifier: fc.array(pick(opArbs.unmap_hva_range, opArbs.unmap_hva_range, opArbs.set_spte_hva, opArbs.age_hva, opArbs.age_hva, opArbs.test_age_hva), { maxLength: 2 }),
  vcpu: fc.array(pick(opArbs.page_fault, opArbs.page_fault, opArbs.shadow_gfn), { maxLength: 2 }),
  /** Reads as often as writes here: a read through an aged spte sets A, a window of its own. */
  hw: fc.array(pick(hwRead, hwWrite, hwHot, opArbs.fast_page_fault), { maxLength: 2 }),
};

const MAX_SETUP = 8;

const randomSetup = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: opArbs.page_fault as fc.Arbitrary<OpDesc> },
    { weight: 1, arbitrary: opArbs.hw_access as fc.Arbitrary<OpDesc> },
    { weight: 2, arbitrary: opArbs.get_dirty_log as fc.Arbitrary<OpDesc> },
    { weight: 1, arbitrary: opArbs.age_hva as fc.Arbitrary<OpDesc> },
    { weight: 1, arbitrary: opArbs.invalid_all_pages as fc.Arbitrary<OpDesc> },
  ),
  { maxLength: MAX_SETUP },
);

/**
 * The spte the race windows need, put in place before the threads start: the
 * hot spot's 4K spte mapped writable, then (each by a coin) aged, so that a
 * CPU read sets A again, and write-protected by the dirty log, so that
 * fast_page_fault may make it writable again while others clear it.
 */
const preparedSpte: fc.Arbitrary<OpDesc[]> = fc.record({ age: fc.boolean(), protect: fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }).map(
  ({ age, protect }) => [
    { kind: "page_fault", gfn: 0, level: 1, write: true, quadrant: 0 },
    ...(age ? [{ kind: "age_hva", hva: HVA_BASE } as const] : []),
    ...(protect ? [{ kind: "get_dirty_log", gfn: 0 } as const] : []),
  ],
  (v) => {
    const ops = v as OpDesc[];
    if (ops[0]?.kind !== "page_fault") throw new Error("not a prepared spte");
    return { age: ops.some((o) => o.kind === "age_hva"), protect: ops.some((o) => o.kind === "get_dirty_log") };
  },
);

/** A random set-up; in half of the runs after a prepared spte (fc.option: nil with probability 1/freq). */
const setupArb: fc.Arbitrary<OpDesc[]> = fc
  .record({ prepared: fc.option(preparedSpte, { freq: 2, nil: undefined }), rest: randomSetup })
  .map(
    ({ prepared, rest }) => [...(prepared ?? []), ...rest],
    (v) => {
      const ops = v as OpDesc[];
      if (!Array.isArray(ops) || ops.length > MAX_SETUP) throw new Error("not a generated set-up");
      return { prepared: undefined, rest: ops };
    },
  );

const threadId = fc.integer({ min: 0, max: ROLES.length - 1 });
export const preemptionArb: fc.Arbitrary<Preemption> = fc.record({ thread: threadId, after: fc.integer({ min: 0, max: 120 }), to: threadId });

export function runArb(design: string): fc.Arbitrary<GeneratedRun> {
  const logical: fc.Arbitrary<SeriesTrace> = fc.record({
    design: fc.constant(design),
    config: fc.record({ kvm: kvmConfigArb, slots: slotsArb(4) }),
    setup: setupArb,
    threads: fc.tuple(...ROLES.map((role) => fc.record({ role: fc.constant(role), ops: roleOps[role] }))),
    preemptions: fc.array(preemptionArb, { maxLength: 5 }),
  });
  const trace = logical.map(placeTrace, (v) => unplaceTrace(v as SeriesTrace));
  return fc.record({ trace, seed: fc.nat() });
}
