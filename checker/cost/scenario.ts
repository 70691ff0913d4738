/**
 * One cost measurement: a VM of N shadow pages of S sptes each, a share of
 * them (default half) mapping the slot a DELETE removes and the rest another
 * slot, each slot `slotScale` times what is mapped of it, and V vCPUs that
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
import { fieldOf, KVM, MMU_PAGE } from "../../impl/kvm";
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
import type { CostProfile } from "./profiles";
import { type LockView, type PreemptionModel, withPreemption } from "./preemption";
import { SimClock } from "./sim_clock";

/** delete_reclaim: the DELETE, then mmu_shrink until no obsolete page is left (the work v3 defers); bare runs only. */
export type CostOp = "delete" | "flush_all" | "delete_reclaim";
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
  /** Share of the pages over the deleted slot, slot 0 (default 1/2; the rest map slot 1). */
  share?: number;
  /** Each slot's size over what is mapped of it (default 1: every gfn of both slots mapped). */
  slotScale?: number;
  /** When cond_resched_lock drops mmu_lock (preemption.ts; default "always", the checker's choice). */
  preemption?: PreemptionModel;
  /** Busy mode only: whether an MMU notifier ages slot 1 beside the vCPUs (default true). */
  notifier?: boolean;
  /** What each kind of step costs (profiles.ts; default: one tick each). */
  profile?: CostProfile;
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

/** Pages over slot 0 and over slot 1. */
export function pagesPerSlot(pages: number, share = 0.5): [number, number] {
  const n0 = Math.round(pages * share);
  return [n0, pages - n0];
}

/**
 * The kernel's constants, with S sptes per page and the kernel's BATCH_ZAP_PAGES; slot i is
 * slotScale times what is mapped of it (at least one page's worth, so a vCPU can fault on it).
 */
export function costConfig(pages: number, sptes: number, share = 0.5, slotScale = 1): WorldConfig {
  const kvm: KvmConfig = { PTE_LIST_EXT: 3, levelShift: 9, sptesPerPage: sptes, adBits: true, BATCH_ZAP_PAGES: 10 };
  const [n0, n1] = pagesPerSlot(pages, share);
  const size0 = Math.max(n0, 1) * sptes * slotScale;
  const size1 = Math.max(n1, 1) * sptes * slotScale;
  return { kvm, slots: [{ id: 0, baseGfn: 0, npages: size0, userspaceAddr: 0x40 }, { id: 1, baseGfn: size0, npages: size1, userspaceAddr: 0x40 + size0 }] };
}

const fault = (gfn: number): OpDesc => ({ kind: "page_fault", gfn, level: 1, write: true, quadrant: 0 });

/** Fill every spte of the mapped pages: one write fault per gfn, the first mapped[i] pages' worth of slot i. */
function populate(w: World, cfg: WorldConfig, mapped: [number, number], sptes: number): void {
  const setup = new Thread(-1, "setup", []);
  cfg.slots.forEach((slot, i) => {
    for (let gfn = slot.baseGfn; gfn < slot.baseGfn + mapped[i]! * sptes; gfn++) w.machine.runOperation(setup, operation(w, fault(gfn)));
  });
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

/**
 * The DELETE of slot 0, then mmu_shrink (3.10: one call zaps the oldest page
 * of the VM, under srcu_read_lock and mmu_lock) until the oldest page is not
 * obsolete: DELETE + the deferred reclaim as one measured operation. Each
 * call goes through the design's kvm_mmu_zap_page (3.11's mmu_shrink frees
 * zapped_obsolete_pages first). DEVIATION: the page is chosen host-side from
 * the tail of active_mmu_pages (mmu_shrink's choice) and named by its (gfn,
 * level, quadrant), the oldest with that role. Only for bare runs: the model
 * judges the operation as a DELETE, which may not drop another slot's sptes.
 */
function deleteReclaim(w: World): TraceOperation {
  const kvm = w.kvm;
  const del = operation(w, { kind: "delete_slot", id: 0 });
  const oldestObsolete = (): number | undefined => {
    const sp = kvm.active_mmu_pages[kvm.active_mmu_pages.length - 1];
    if (sp === undefined) return undefined;
    return kvm.mem.peek(fieldOf(sp, MMU_PAGE.mmu_valid_gen)) !== kvm.mem.peek(kvm.field(KVM.mmu_valid_gen)) ? sp : undefined;
  };
  return {
    desc: del.desc,
    text: "DELETE(slot 0) + mmu_shrink until no obsolete page is left",
    start: function* () {
      yield* del.start();
      for (let sp = oldestObsolete(); sp !== undefined; sp = oldestObsolete()) {
        const f = (off: number): number => kvm.mem.peek(fieldOf(sp!, off));
        yield* kvm.sym.kvm_mmu_zap_page(kvm, f(MMU_PAGE.gfn), f(MMU_PAGE.level), f(MMU_PAGE.quadrant), "oldest");
      }
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
  const cfg = costConfig(r.pages, r.sptes, r.share, r.slotScale);
  const mapped = pagesPerSlot(r.pages, r.share);
  const threads: Thread[] = [];
  const view: LockView = { machine: null, clock: null };
  const variant = { ...r.variant, symbols: withPreemption(r.variant.symbols, r.preemption ?? "always", view) };
  const w = makeWorld(cfg, variant, threads, { warnIsFatal: false });
  view.machine = w.machine;
  const checker = r.check ? new StepChecker(w) : null;
  if (checker) w.machine.observers.push(checker);
  let violation: string | null = null;
  try {
    populate(w, cfg, mapped, r.sptes);
  } catch (e) {
    violation = violationOf(e)!.invariant;
  }
  w.machine.stepIndex = 0;
  const measured = r.op === "delete" ? operation(w, { kind: "delete_slot", id: 0 }) : r.op === "delete_reclaim" ? deleteReclaim(w) : flushAll(w);
  threads.push(new Thread(0, "T0:ioctl", [measured]));
  const clock = new SimClock(r.profile);
  view.clock = clock;
  const counters = new CostCounters(w.kvm, clock, threads[0]!, (t) => t.name.split(":")[1]!);
  const stop = () => counters.done;
  if (r.mode === "busy") {
    const slot1 = cfg.slots[1]!;
    const perSlot = Math.max(mapped[1], 1);
    const page = (j: number) => slot1.baseGfn + (j % perSlot) * r.sptes;
    for (let i = 0; i < r.vcpus; i++) threads.push(looping(w, threads.length, "vcpu", (k) => fault(page(k * r.vcpus + i)), stop));
    if (r.notifier !== false) threads.push(looping(w, threads.length, "notifier", (k) => ({ kind: "age_hva", hva: slot1.userspaceAddr + page(k) - slot1.baseGfn }), stop));
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
