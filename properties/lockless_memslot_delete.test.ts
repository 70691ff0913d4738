/**
 * The deletion of the memslot (issue 20 item 3; impl/lockless/memslot_delete.ts,
 * model/lockless/actions/memslot.ts): KVM_MR_DELETE publishes the slot's
 * INVALID copy, waits for its readers (synchronize_srcu), zaps
 * (kvm_mmu_zap_all_fast, or kvm_mmu_zap_memslot without
 * KVM_X86_QUIRK_SLOT_ZAP_ALL), publishes no slot, waits again, and frees the
 * rmaps and the bitmap. Pinned here: the model's action; the implementation
 * against it, alone, under both zaps; the three scenarios verified by the
 * correct designs at 1 preemption; each mutant of origin "delete" found with
 * exactly 1 preemption and none with 0 (docs/mutants.md); DPOR agreeing with
 * plain enumeration on the fault scenario; the traces refused beside a
 * deletion.
 */
import { loadScenario } from "../checker/exhaustive/scenario_files";
import { exhaustive } from "../checker/jobs/exhaustive";
import { locklessTraceProblem } from "../checker/lockless/trace_problem";
import { runTrace } from "../checker/search/trace";
import type { Trace } from "../checker/subject";
import { abstraction } from "../checker/lockless/oracle/abstraction";
import { buildLocklessTrace } from "../checker/lockless/trace_build";
import { enabled, init, next, typeOK } from "../model/lockless/spec";
import type { LocklessOp } from "../model/lockless/operations";
import type { Geometry } from "../model/lockless/state";
import { expectDporAgreesWithPlain } from "./dpor_outcomes";
import { LOCKLESS, lvariant, smallGeometry } from "./lockless_support";

const SCENARIOS = ["lockless-memslot-delete-vs-fault", "lockless-memslot-delete-vs-age", "lockless-memslot-delete-vs-fast-pf"];
const CORRECT = ["merged", "merged-aligned-callers", "index-walk", "merged-one-read"];
const MUTANTS: Array<[string, string, string]> = [
  ["delete-zap-before-invalidate", "lockless-memslot-delete-vs-fault", "RMAP-COMPLETE"],
  ["delete-fault-ignores-invalid", "lockless-memslot-delete-vs-fault", "RMAP-COMPLETE"],
  ["delete-unpublish-no-wait", "lockless-memslot-delete-vs-age", "INV-MEM"],
];

const geo = (slotZapAll?: boolean): Geometry => smallGeometry(slotZapAll === undefined ? {} : { slotZapAll });
const slot = { baseGfn: 0, npages: 4, userspaceAddr: 64 };
const fault = (gfn: number, level: number, nested = false): LocklessOp => ({ kind: "page_fault", gfn, level, quadrant: 0, write: true, nested });
const del: LocklessOp = { kind: "delete_memslot" };

describe("the model's action (model/lockless/actions/memslot.ts deleteMemslot)", () => {
  const mapped = () => {
    let s = init(geo(), slot);
    for (const op of [fault(0, 2), fault(2, 1), fault(3, 1, true)]) s = next(s, op).s;
    return s;
  };

  test("no spte, rmap or shadow page is left; a fault installs nothing (-2), aging finds nothing; a second deletion fails", () => {
    const s = mapped();
    expect(s.sptes.size).toBe(3);
    const r = next(s, del);
    expect(r.ret).toBe(0);
    expect([r.s.deleted, r.s.sptes.size, r.s.rmaps.size, r.s.sps.size, r.s.tdp.size]).toEqual([true, 0, 0, 0, 0]);
    expect(typeOK(r.s)).toEqual([]);
    expect(next(r.s, fault(1, 1))).toEqual({ s: r.s, ret: -2 });
    expect(next(r.s, { kind: "clear_young", start: 64, end: 68, flush: false })).toEqual({ s: r.s, ret: 0 });
    expect(next(r.s, { kind: "test_young", hva: 64 }).ret).toBe(0);
    expect(next(r.s, del)).toEqual({ s: r.s, ret: -22 });
    expect(typeOK({ ...r.s, sptes: s.sptes })).toContain("a spte, an rmap entry or a TDP MMU mapping of the deleted slot");
  });

  test("without KVM_X86_QUIRK_SLOT_ZAP_ALL the direct shadow pages stay (empty), the nested one goes", () => {
    let s = init(geo(false), slot);
    for (const op of [fault(0, 2), fault(2, 1), fault(3, 1, true)]) s = next(s, op).s;
    const d = next(s, del).s;
    expect([...d.sps.values()].map((sp) => sp.direct)).toEqual([true, true]);
    expect(d.sptes.size).toBe(0);
  });

  test("after a deletion only the vCPU's, the notifiers' and the deletion itself may run", () => {
    const d = next(mapped(), del).s;
    const ops: LocklessOp[] = [fault(0, 1), { kind: "fast_page_fault", gfn: 0, level: 1, quadrant: 0, write: true }, { kind: "clear_young", start: 64, end: 65, flush: false }, del];
    for (const op of ops) expect({ op: op.kind, ok: enabled(d, op) }).toEqual({ op: op.kind, ok: true });
    for (const op of [{ kind: "zap_gfn_range", start: 0, end: 4 }, { kind: "write_protect_gfn", gfn: 0 }, { kind: "log_dirty_pages", enable: true }] as LocklessOp[]) {
      expect({ op: op.kind, ok: enabled(d, op) }).toEqual({ op: op.kind, ok: false });
    }
  });
});

describe("the implementation, run alone (no preemption)", () => {
  const alone = (name: string, design = "merged-aligned-callers") => {
    const sc = loadScenario(name);
    const trace: Trace = { subject: "lockless-aging", design, config: sc.config, setup: sc.setup, threads: sc.threads, preemptions: [] };
    return runTrace(trace, lvariant(design)).result;
  };

  test("each scenario runs without a violation", () => {
    for (const name of SCENARIOS) expect({ name, v: alone(name).violation }).toEqual({ name, v: null });
  });

  test.each([true, false])("the deletion leaves what the model says, its rmaps and the old slot freed (KVM_X86_QUIRK_SLOT_ZAP_ALL %s)", (quirk) => {
    const sc = loadScenario("lockless-memslot-delete-vs-fault");
    const config = { ...(sc.config as { kvm: object; slot: object }), kvm: { ...(sc.config as { kvm: object }).kvm, KVM_X86_QUIRK_SLOT_ZAP_ALL: quirk } };
    const setup: LocklessOp[] = [fault(0, 1), fault(1, 1, true)];
    const mmu = { role: "mmu", ops: [del] };
    const trace: Trace = { subject: "lockless-aging", design: "merged", config, setup, threads: [mmu], preemptions: [] };
    const b = buildLocklessTrace(trace, lvariant("merged"), { tso: false, full: false });
    b.setup();
    expect(b.machine.runOperation(b.threads[0]!, b.threads[0]!.ops[0]!)).toBe(0);
    const a = abstraction(b.world).s;
    let m = init(b.world.geo, b.world.slot);
    for (const op of [...setup, del]) m = next(m, op).s;
    expect(a.deleted).toBe(true);
    expect([...a.sps.keys()]).toEqual([...m.sps.keys()]);
    expect(a.sptes.size + a.rmaps.size).toBe(0);
    expect(b.world.kvm.mem.objectAt(b.world.kvm.slot)!.freed).toBe(true);
    expect(b.world.kvm.mem.live("kvm_rmap_head")).toEqual([]);
  });
});

describe("the new scenarios at 1 preemption", () => {
  test("the correct designs verify each", () => {
    for (const d of CORRECT) {
      for (const s of SCENARIOS) expect({ d, s, verdict: exhaustive({ variant: lvariant(d), scenario: loadScenario(s), preemptions: 1 }).summary.verdict }).toEqual({ d, s, verdict: "verified" });
    }
  });

  test("each mutant of origin delete: its violation with exactly 1 preemption, none with 0", () => {
    for (const [m, s, inv] of MUTANTS) {
      expect({ m, s, at0: exhaustive({ variant: lvariant(null, m), scenario: loadScenario(s), preemptions: 0 }).summary.verdict }).toEqual({ m, s, at0: "verified" });
      const v = exhaustive({ variant: lvariant(null, m), scenario: loadScenario(s), preemptions: 1 }).summary.violation;
      expect({ m, s, invariant: v?.invariant, preemptions: v?.preemptions }).toEqual({ m, s, invariant: inv, preemptions: 1 });
    }
  });

  test("DPOR with the declared footprint agrees with plain enumeration on the fault scenario", () => {
    const variants = [...CORRECT.slice(1).map((d) => lvariant(d)), lvariant(null, "delete-fault-ignores-invalid")];
    expect(expectDporAgreesWithPlain(LOCKLESS, [loadScenario("lockless-memslot-delete-vs-fault")], variants)).toBe(4);
  });
});

test("traces beside a deletion are refused: two deletions, a zap or a harvest or an invalidation beside it, a set-up op after it", () => {
  const sc = loadScenario("lockless-memslot-delete-vs-fault");
  const t = (setup: LocklessOp[], threads: Trace["threads"]): Trace => ({ subject: "lockless-aging", design: "merged", config: sc.config, setup, threads, preemptions: [] });
  expect(locklessTraceProblem(t([], [{ role: "mmu", ops: [del] }, { role: "vcpu", ops: [del] }]), null)).toMatch(/more than once/);
  for (const op of [{ kind: "zap_gfn_range", start: 0, end: 2 }, { kind: "unmap_gfn_range", start: 64, end: 65 }, { kind: "log_dirty_pages", enable: true }] as LocklessOp[]) {
    expect(locklessTraceProblem(t([], [{ role: "mmu", ops: [del] }, { role: "vcpu", ops: [op] }]), null)).toMatch(new RegExp(`runs ${op.kind} in a trace that deletes the slot`));
  }
  expect(locklessTraceProblem(t([del, { kind: "write_protect_gfn", gfn: 0 }], []), null)).toMatch(/after deleting the slot/);
  expect(locklessTraceProblem(t([fault(0, 1), del, fault(1, 1)], [{ role: "ager", ops: [{ kind: "test_young", hva: 64 }] }]), null)).toBeNull();
});
