/**
 * The dirty-logging flags change (issue 20 item 3; impl/lockless/memslot_flags.ts,
 * slot_rmap_walks.ts, vcpu_srcu.ts; model/lockless/actions/memslot.ts):
 * KVM_MR_FLAGS_ONLY publishes a new slot, waits for the vCPUs that picked up
 * the old one (synchronize_srcu), then write-protects the slot (enable) or
 * recovers huge pages (disable) under mmu_lock, breaking it between rmaps.
 * Pinned here, at 1 preemption (a few seconds): the model's action; the four
 * scenarios verified by the correct designs; each mutant of origin "slot" found
 * with exactly 1 preemption and none with 0 (docs/mutants.md); DPOR agreeing
 * with plain enumeration on the fast-page-fault scenario; the traces refused
 * because slots_lock (not simulated) would serialize them.
 */
import { loadScenario } from "../checker/exhaustive/scenario_files";
import { exhaustive } from "../checker/jobs/exhaustive";
import { locklessTraceProblem } from "../checker/lockless/trace_problem";
import { runTrace } from "../checker/search/trace";
import type { Trace } from "../checker/subject";
import { abstraction } from "../checker/lockless/oracle/abstraction";
import { buildLocklessTrace } from "../checker/lockless/trace_build";
import { init, next } from "../model/lockless/spec";
import type { Geometry } from "../model/lockless/state";
import { expectDporAgreesWithPlain } from "./dpor_outcomes";
import { LOCKLESS, lvariant } from "./lockless_support";

const SCENARIOS = ["lockless-log-dirty-enable-vs-age", "lockless-log-dirty-enable-vs-fault", "lockless-log-dirty-enable-vs-fast-pf", "lockless-log-dirty-disable-vs-age"];
const CORRECT = ["merged", "merged-aligned-callers", "index-walk", "merged-one-read"];
const MUTANTS: Array<[string, string]> = [
  ["log-dirty-no-srcu-wait", "lockless-log-dirty-enable-vs-fast-pf"],
  ["log-dirty-no-srcu-wait", "lockless-log-dirty-enable-vs-fault"],
  ["log-dirty-protect-before-swap", "lockless-log-dirty-enable-vs-fault"],
  ["recover-zap-removes-first", "lockless-log-dirty-disable-vs-age"],
];

const geo = (log: boolean, pml = false): Geometry => ({ levelShift: 1, maxLevel: 3, sptesPerPage: 4, kvmAdEnabled: true, dirtyLogging: log, pml, recycleThreshold: 1000, tdpMmuEnabled: false, nestedEptAd: false });
const slot = { baseGfn: 0, npages: 4, userspaceAddr: 64 };
const fault = (gfn: number, level: number, nested = false) => ({ kind: "page_fault" as const, gfn, level, quadrant: 0, write: true, nested });

describe("the model's action (model/lockless/actions/memslot.ts)", () => {
  test("enabling: an empty bitmap, every spte of the rmaps read-only and still MMU-writable; setting it again changes nothing", () => {
    let s = init(geo(false), slot);
    for (const op of [fault(0, 2), fault(2, 1), fault(3, 1, true)]) s = next(s, op).s;
    const on = next(s, { kind: "log_dirty_pages", enable: true }).s;
    expect(on.logDirty).toBe(true);
    expect(on.dirty.size).toBe(0);
    expect([...on.sptes.values()].map((v) => [v.w, v.mmuWritable, v.large])).toEqual([[false, true, true], [false, true, false], [false, true, false]]);
    expect(next(on, { kind: "log_dirty_pages", enable: true }).s).toBe(on);
    // A fault now maps 4K and logs the page.
    const after = next(on, fault(1, 3)).s;
    expect([...after.dirty]).toEqual([1]);
  });

  test("enabling with PML: the 4K sptes keep W and lose D; the huge ones lose W", () => {
    let s = init(geo(false, true), slot);
    for (const op of [fault(0, 2), fault(2, 1)]) s = next(s, op).s;
    const on = next(s, { kind: "log_dirty_pages", enable: true }).s;
    expect([...on.sptes.values()].map((v) => [v.large, v.w, v.dirty])).toEqual([[true, false, true], [false, true, false]]);
  });

  test("disabling: no bitmap; the 4K sptes of a direct page whose region may be huge are zapped, nested ones kept", () => {
    let s = init(geo(true), slot);
    for (const op of [fault(0, 2), fault(1, 1), fault(2, 1, true)]) s = next(s, op).s;
    expect(s.dirty.size).toBe(3);
    const off = next(s, { kind: "log_dirty_pages", enable: false }).s;
    expect(off.logDirty).toBe(false);
    expect(off.dirty.size).toBe(0);
    expect([...off.sptes.keys()]).toEqual([...s.sptes.keys()].filter((ref) => !off.sps.get(Number(ref.split(":")[0]))!.direct));
    expect(next(off, fault(1, 3)).s.sptes.size).toBe(off.sptes.size + 1);
  });
});

describe("the implementation, run alone (no preemption)", () => {
  const alone = (name: string) => {
    const sc = loadScenario(name);
    const trace: Trace = { subject: "lockless-aging", design: "merged-aligned-callers", config: sc.config, setup: sc.setup, threads: sc.threads, preemptions: [] };
    return runTrace(trace, lvariant("merged-aligned-callers")).result;
  };

  test("each scenario runs without a violation, and its flags change is what the model says", () => {
    for (const name of SCENARIOS) expect(alone(name).violation).toBeNull();
    for (const [name, enable] of [["lockless-log-dirty-enable-vs-age", true], ["lockless-log-dirty-disable-vs-age", false]] as const) {
      const sc = loadScenario(name);
      const mmu = sc.threads.find((th) => th.role === "mmu")!;
      const trace: Trace = { subject: "lockless-aging", design: "merged-aligned-callers", config: sc.config, setup: sc.setup, threads: [mmu], preemptions: [] };
      const b = buildLocklessTrace(trace, lvariant("merged-aligned-callers"), { tso: false, full: false });
      b.setup();
      b.machine.runOperation(b.threads[0]!, b.threads[0]!.ops[0]!);
      const a = abstraction(b.world).s;
      let m = init(b.world.geo, b.world.slot);
      for (const op of [...sc.setup, ...mmu.ops]) m = next(m, op as never).s;
      expect({ name, logDirty: a.logDirty, sptes: a.sptes.size < sc.setup.length }).toEqual({ name, logDirty: enable, sptes: !enable });
      expect(a.sptes).toEqual(m.sptes);
      expect(a.dirty).toEqual(m.dirty);
    }
  });
});

describe("the new scenarios at 1 preemption", () => {
  test("the correct designs verify each", () => {
    for (const d of CORRECT) {
      for (const s of SCENARIOS) expect({ d, s, verdict: exhaustive({ variant: lvariant(d), scenario: loadScenario(s), preemptions: 1 }).summary.verdict }).toEqual({ d, s, verdict: "verified" });
    }
  });

  test("each mutant of origin slot: DIRTY-LOG or AGE-RESULT with exactly 1 preemption, none with 0", () => {
    for (const [m, s] of MUTANTS) {
      expect({ m, s, at0: exhaustive({ variant: lvariant(null, m), scenario: loadScenario(s), preemptions: 0 }).summary.verdict }).toEqual({ m, s, at0: "verified" });
      const v = exhaustive({ variant: lvariant(null, m), scenario: loadScenario(s), preemptions: 1 }).summary.violation;
      expect({ m, s, invariant: v?.invariant, preemptions: v?.preemptions }).toEqual({ m, s, invariant: m.startsWith("recover") ? "AGE-RESULT" : "DIRTY-LOG", preemptions: 1 });
    }
  });

  test("DPOR with the declared footprint agrees with plain enumeration on the fast-page-fault scenario", () => {
    const variants = [...CORRECT.slice(1).map((d) => lvariant(d)), lvariant(null, "log-dirty-no-srcu-wait")];
    expect(expectDporAgreesWithPlain(LOCKLESS, [loadScenario("lockless-log-dirty-enable-vs-fast-pf")], variants)).toBe(4);
  });
});

test("traces slots_lock would serialize are refused: two flags changes, a flags change beside a harvest", () => {
  const sc = loadScenario("lockless-log-dirty-enable-vs-age");
  const t = (threads: Trace["threads"]): Trace => ({ subject: "lockless-aging", design: "merged", config: { ...(sc.config as { kvm: object; slot: object }), kvm: { ...(sc.config as { kvm: object }).kvm, dirtyLogging: true } }, setup: [], threads, preemptions: [] });
  const ld = { kind: "log_dirty_pages", enable: false };
  expect(locklessTraceProblem(t([{ role: "mmu", ops: [ld] }, { role: "vcpu", ops: [ld] }]), null)).toMatch(/both change the slot's flags/);
  expect(locklessTraceProblem(t([{ role: "mmu", ops: [ld] }, { role: "vcpu", ops: [{ kind: "get_dirty_log", gfn: 0 }] }]), null)).toMatch(/beside thread 1's get_dirty_log/);
  expect(locklessTraceProblem(t([{ role: "mmu", ops: [ld, { kind: "get_dirty_log", gfn: 0 }] }]), null)).toBeNull();
});
