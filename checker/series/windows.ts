/**
 * The race windows the hand-written race tests (properties/races.test.ts)
 * build on purpose, as predicates over a run's steps, so that the benchmark
 * can measure how often the default sampled search reaches each of them.
 *
 * A window is reached when a thread A loads a spte in one of `loads`, another
 * thread B then writes that spte in one of `writes` (and, for `setsA`, the
 * write adds A to a value without it), and A then writes the spte in one of
 * `finishes`, all within one operation of A whose kind is `op`.
 */
import type { OpDesc } from "../../model/operations";
import { SPTE_BITS } from "../../model/encoding";
import type { Machine, Observer } from "../../runtime/machine";
import { type Step, writesWord } from "../../runtime/step";
import type { Thread } from "../../runtime/thread";
import type { TraceOperation } from "./oracle/step_checker";

export interface Window {
  readonly name: string;
  readonly op: OpDesc["kind"];
  readonly loads: readonly string[];
  readonly writes: readonly string[];
  readonly finishes: readonly string[];
  /** B's write sets A on a spte that had none (a read through an aged spte). */
  readonly setsA?: boolean;
}

const clear = ["mmu_spte_clear_track_bits"];
const update = ["mmu_spte_update"];

export const WINDOWS: readonly Window[] = [
  { name: "a notifier unmap against a hardware write", op: "unmap_hva_range", loads: clear, writes: ["hw_access"], finishes: clear },
  { name: "an age against a hardware write", op: "age_hva", loads: ["kvm_age_rmapp"], writes: ["hw_access"], finishes: ["kvm_age_rmapp"] },
  { name: "a change_pte against a hardware write", op: "set_spte_hva", loads: ["kvm_set_pte_rmapp", ...clear], writes: ["hw_access"], finishes: clear },
  { name: "a dirty-log write-protect against a hardware write", op: "get_dirty_log", loads: ["__rmap_write_protect", ...update], writes: ["hw_access"], finishes: update },
  { name: "a zap against a hardware write", op: "zap_page", loads: ["mmu_page_zap_pte", ...clear], writes: ["hw_access"], finishes: clear },
  { name: "a vCPU fault updating a spte against a hardware write", op: "page_fault", loads: ["mmu_set_spte", ...update], writes: ["hw_access"], finishes: update },
  { name: "a dirty-log write-protect against a hardware read of an aged spte", op: "get_dirty_log", loads: ["__rmap_write_protect", ...update], writes: ["hw_access"], finishes: update, setsA: true },
  { name: "fast_page_fault against an unmap of the same spte", op: "fast_page_fault", loads: ["fast_page_fault"], writes: clear, finishes: ["fast_pf_fix_direct_spte"] },
];

/** Watches one run; `reached` collects the names of the windows it went through. */
export class WindowWatcher implements Observer {
  readonly reached = new Set<string>();
  /** Per thread: spte address -> per window index, whether another thread has written it since A's load. */
  private readonly open = new Map<Thread, Map<number, Map<number, boolean>>>();

  private opKind(t: Thread): string | undefined {
    return (t.currentOp as TraceOperation | undefined)?.desc.kind;
  }

  afterStep(m: Machine, t: Thread, s: Step, result: number, old: number): void {
    if (s.kind !== "spt" && s.kind !== null) return;
    const kind = this.opKind(t);
    if (s.op === "load") {
      WINDOWS.forEach((w, i) => {
        if (w.op !== kind || !w.loads.includes(s.fn)) return;
        let mine = this.open.get(t);
        if (mine === undefined) this.open.set(t, (mine = new Map()));
        let at = mine.get(s.addr);
        if (at === undefined) mine.set(s.addr, (at = new Map()));
        if (!at.has(i)) at.set(i, false);
      });
      return;
    }
    if (!writesWord(s.op)) return;
    const now = m.mem.peek(s.addr);
    for (const [a, mine] of this.open) {
      const at = mine.get(s.addr);
      if (at === undefined) continue;
      if (a !== t) {
        for (const i of at.keys()) {
          const w = WINDOWS[i]!;
          const addsA = (old & SPTE_BITS.accessed) === 0 && (now & SPTE_BITS.accessed) !== 0;
          if (w.writes.includes(s.fn) && (!w.setsA || addsA)) at.set(i, true);
        }
      } else {
        for (const [i, interfered] of at) if (interfered && WINDOWS[i]!.finishes.includes(s.fn)) this.reached.add(WINDOWS[i]!.name);
      }
    }
  }

  opStart(m: Machine, t: Thread): void {
    this.open.delete(t);
  }

  opEnd(m: Machine, t: Thread): void {
    this.open.delete(t);
  }
}
