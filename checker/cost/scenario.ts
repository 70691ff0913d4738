/**
 * One cost measurement: a VM of N shadow pages of S sptes each, half of them
 * mapping the slot a DELETE removes and half another slot, and V vCPUs that
 * are idle (as the v1 cover letter measured) or fault in a loop on the other
 * slot's memory with one MMU notifier aging it (as Xiao expected under
 * contention), while one thread runs the measured operation: the DELETE of
 * slot 0, or kvm_arch_flush_shadow_all. Time is simulated (sim_clock.ts).
 *
 * With `check`, the 2013 subject's step checker watches every step, set-up
 * included (every invariant, as in a sampled check); without, the code runs
 * bare. The numbers do not depend on it: the checker only observes.
 */
import type { KvmConfig } from "../../impl/config";
import { KVM } from "../../impl/kvm";
import { kvm_memslots, memslots_slots } from "../../impl/memslot";
import type { OpDesc } from "../../model/operations";
import { runThreads, type TraceStep } from "../../runtime/run";
import { Thread } from "../../runtime/thread";
import { liveSps } from "../series/oracle/impl_state";
import { StepChecker, type TraceOperation } from "../series/oracle/step_checker";
import { operation } from "../series/trace_build";
import type { SeriesVariant } from "../series/variants";
import { makeWorld, type World, type WorldConfig } from "../series/world";
import { violationOf } from "../violation";
import { CostCounters, type OpCost } from "./counters";
import { SimClock } from "./sim_clock";

export type CostOp = "delete" | "flush_all";
export type CostMode = "idle" | "busy";

export interface ScenarioRequest {
  variant: SeriesVariant;
  op: CostOp;
  mode: CostMode;
  /** Shadow pages (even: half map each slot). */
  pages: number;
  /** Sptes per page (kvm.cfg.sptesPerPage). */
  sptes: number;
  vcpus: number;
  check: boolean;
  /** Step budget of the interleaved phase; a run past it is a livelock. */
  budget: number;
}

export interface ScenarioResult extends OpCost {
  /** Steps of every thread in the interleaved phase. */
  totalSteps: number;
  /** Shadow pages left live and obsolete when the operation ended (work left to mmu_shrink). */
  obsoleteLeft: number;
  /** The invariant a checked run broke (null: none, or not checked); a livelock is LIVELOCK. */
  violation: string | null;
  /** The interleaved phase's steps, kept only for a run that did not finish. */
  trace: TraceStep[] | null;
  /** Wall time of the interleaved phase in nanoseconds (the checker's cost; never part of a report's numbers). */
  runNs: number;
}

/** The kernel's constants, with S sptes per page and the kernel's BATCH_ZAP_PAGES. */
export function costConfig(pages: number, sptes: number): WorldConfig {
  const kvm: KvmConfig = { PTE_LIST_EXT: 3, levelShift: 9, sptesPerPage: sptes, adBits: true, BATCH_ZAP_PAGES: 10 };
  const npages = (pages / 2) * sptes;
  return { kvm, slots: [{ id: 0, baseGfn: 0, npages, userspaceAddr: 0x40 }, { id: 1, baseGfn: npages, npages, userspaceAddr: 0x40 + npages }] };
}

const fault = (gfn: number): OpDesc => ({ kind: "page_fault", gfn, level: 1, write: true, quadrant: 0 });

/** Fill every spte of every page: one write fault per gfn of both slots. */
function populate(w: World, cfg: WorldConfig): void {
  const setup = new Thread(-1, "setup", []);
  for (const slot of cfg.slots) {
    for (let gfn = slot.baseGfn; gfn < slot.baseGfn + slot.npages; gfn++) w.machine.runOperation(setup, operation(w, fault(gfn)));
  }
}

/** kvm_arch_flush_shadow_all, judged by the model as the flush of destroy_vm (which may drop any spte). */
function flushAll(w: World): TraceOperation {
  const kvm = w.kvm;
  return {
    desc: { kind: "destroy_vm" },
    text: "kvm_arch_flush_shadow_all()",
    start: function* () {
      yield* kvm.sym.kvm_arch_flush_shadow_all(kvm, memslots_slots(kvm, yield* kvm_memslots(kvm)));
      return 0;
    },
  };
}

/** A thread whose k-th operation is make(k), one after the other, until `stop()`. */
function looping(w: World, id: number, role: string, make: (k: number) => OpDesc, stop: () => boolean): Thread {
  const ops: TraceOperation[] = [];
  let k = 0;
  const next = (): TraceOperation => {
    const op = operation(w, make(k++));
    return { desc: op.desc, text: op.text, start: () => (stop() ? (function* () { return 0; })() : (ops.push(next()), op.start())) };
  };
  ops.push(next());
  return new Thread(id, `T${id}:${role}`, ops, true);
}

export function runScenario(r: ScenarioRequest): ScenarioResult {
  const cfg = costConfig(r.pages, r.sptes);
  const threads: Thread[] = [];
  const w = makeWorld(cfg, r.variant, threads, { warnIsFatal: false });
  const checker = r.check ? new StepChecker(w) : null;
  if (checker) w.machine.observers.push(checker);
  let violation: string | null = null;
  try {
    populate(w, cfg);
  } catch (e) {
    violation = violationOf(e)!.invariant;
  }
  w.machine.stepIndex = 0;
  const measured = r.op === "delete" ? operation(w, { kind: "delete_slot", id: 0 }) : flushAll(w);
  threads.push(new Thread(0, "T0:ioctl", [measured]));
  const clock = new SimClock();
  const counters = new CostCounters(w.kvm, clock, threads[0]!, (t) => t.name.split(":")[1]!);
  const stop = () => counters.done;
  if (r.mode === "busy") {
    const slot1 = cfg.slots[1]!;
    const perSlot = r.pages / 2;
    const page = (j: number) => slot1.baseGfn + (j % perSlot) * r.sptes;
    for (let i = 0; i < r.vcpus; i++) threads.push(looping(w, threads.length, "vcpu", (k) => fault(page(k * r.vcpus + i)), stop));
    threads.push(looping(w, threads.length, "notifier", (k) => ({ kind: "age_hva", hva: slot1.userspaceAddr + page(k) - slot1.baseGfn }), stop));
  }
  w.machine.observers.unshift(clock, counters);
  const t0 = process.hrtime.bigint();
  const run = violation === null ? runThreads(w.machine, clock, r.budget, () => checker?.atQuiescence()) : null;
  const runNs = Number(process.hrtime.bigint() - t0);
  if (run !== null && run.failure !== null) violation = violationOf(run.failure)!.invariant;
  const gen = w.kvm.mem.peek(w.kvm.field(KVM.mmu_valid_gen));
  const obsoleteLeft = liveSps(w.kvm).filter((sp) => !sp.invalid && sp.gen !== gen).length;
  const cost = counters.result();
  return { ...cost, totalSteps: run?.steps ?? 0, obsoleteLeft, violation, trace: cost.finished ? null : (run?.trace ?? null), runNs };
}
