/**
 * Hand-written sequential scenarios for kernel paths the random generators
 * reach only rarely (the coverage counters of sequential.test.ts show them).
 * Each runs on the implementation and the model side by side with the same
 * checks as the generated sequences (runCommand: return values, every
 * invariant, abstraction == model, no leak), and asserts that the path it is
 * about was really taken, by the atomic step that shows it.
 */
import { SMALL_CONFIG } from "../impl/config";
import type { Machine, Observer } from "../runtime/machine";
import type { Step } from "../runtime/step";
import type { ModelState } from "../model/state";
import { Thread } from "../runtime/thread";
import type { OpDesc } from "../model/operations";
import { runCommand } from "../checker/series/oracle/sequential_check";
import { initialModel, makeWorld, type SlotConfig, type WorldConfig } from "../checker/series/world";
import { variant } from "./variants";

/** Collects the label of every atomic step. */
class Labels implements Observer {
  readonly seen: string[] = [];
  afterStep(m: Machine, t: Thread, s: Step): void {
    this.seen.push(s.label);
  }
  opStart(): void {}
  opEnd(): void {}
}

/**
 * Run ops one by one on both sides (runCommand throws a Violation on any
 * disagreement, return values included); returns every step label and the
 * final model state.
 */
function scenario(design: string, slots: SlotConfig[], ops: OpDesc[]): { labels: string[]; model: ModelState } {
  const cfg: WorldConfig = { kvm: SMALL_CONFIG, slots };
  const t = new Thread(0, "t", []);
  const v = variant(design);
  const w = makeWorld(cfg, v, [t], { warnIsFatal: true });
  const labels = new Labels();
  w.machine.observers.push(labels);
  let model = initialModel(cfg, v);
  for (const op of ops) model = runCommand(w, t, model, op);
  return { labels: labels.seen, model };
}

const slot0: SlotConfig = { id: 0, baseGfn: 0, npages: 4, userspaceAddr: 0x40 };
const fault = (gfn: number, quadrant: number, level = 1, write = false): OpDesc => ({ kind: "page_fault", gfn, level, write, quadrant });
const zap = (gfn: number, quadrant: number): OpDesc => ({ kind: "zap_page", gfn, level: 1, quadrant, which: "oldest" });

describe("pte_list: unlinking descs", () => {
  // Four sptes of gfn 0 (one per quadrant): the head points at desc 1 with
  // three entries and desc 1's more at desc 2 with one.
  const four = [fault(0, 0), fault(0, 1), fault(0, 2), fault(0, 3)];

  test.each(["v3", "baseline"])("%s: emptying the first desc of two makes the head point at the second (*pte_list = desc->more | 1)", (design) => {
    const { labels } = scenario(design, [slot0], [...four, zap(0, 0), zap(0, 1), zap(0, 2)]);
    expect(labels).toContain("pte_list_desc_remove_entry: store *pte_list = desc->more|1");
  });

  test("v3: emptying the second desc of two unlinks it from the first (prev_desc->more = desc->more)", () => {
    const { labels } = scenario("v3", [slot0], [...four, zap(0, 3)]);
    expect(labels).toContain("pte_list_desc_remove_entry: store prev_desc->more");
  });

  test("v3: the last entry of a lone desc goes back into the head (*pte_list = desc->sptes[0])", () => {
    const { labels } = scenario("v3", [slot0], [fault(0, 0), fault(0, 1), zap(0, 0), zap(0, 1)]);
    expect(labels).toContain("pte_list_desc_remove_entry: store *pte_list = desc->sptes[0]");
  });
});

describe("memslots: where one slot may start", () => {
  const above: SlotConfig = { id: 0, baseGfn: 4, npages: 4, userspaceAddr: 0x40 };

  test("a slot ending exactly where another starts is created", () => {
    const { model } = scenario("v3", [above], [{ kind: "create_slot", id: 1, baseGfn: 0, npages: 4, userspaceAddr: 0x80 }, fault(3, 0)]);
    expect([...model.slots.keys()].sort()).toEqual([0, 1]);
    expect(model.sptes.size).toBe(1);
  });

  test("a slot overlapping another's first gfn is refused (-EEXIST)", () => {
    const { model } = scenario("v3", [above], [{ kind: "create_slot", id: 1, baseGfn: 0, npages: 5, userspaceAddr: 0x80 }]);
    expect([...model.slots.keys()]).toEqual([0]);
  });
});

describe("page faults: the mapping level fits the slot", () => {
  // SMALL_CONFIG: a level-2 page spans 2 gfns. The slot starts at gfn 1, so
  // the level-2 region of gfn 1 (gfns 0-1) sticks out of it; that of gfn 2 (2-3) does not.
  const unaligned: SlotConfig = { id: 0, baseGfn: 1, npages: 3, userspaceAddr: 0x40 };

  test("a large-page fault whose region sticks out of the slot maps 4K", () => {
    const { model } = scenario("v3", [unaligned], [fault(1, 0, 2, true)]);
    expect([...model.sptes.values()].map((v) => v.large)).toEqual([false]);
  });

  test("a large-page fault whose region lies inside the slot maps large", () => {
    const { model } = scenario("v3", [unaligned], [fault(2, 0, 2, true), fault(3, 0, 2, false)]);
    expect([...model.sptes.values()].map((v) => v.large)).toEqual([true]);
  });
});

describe("fast_page_fault on a write-protected spte", () => {
  test("fixes it once (returns 1), then finds it writable (returns 0)", () => {
    // runCommand compares each return value with the model's: 1, then 0.
    const fpf: OpDesc = { kind: "fast_page_fault", gfn: 0, quadrant: 0 };
    const { labels, model } = scenario("v3", [slot0], [fault(0, 0, 1, true), { kind: "get_dirty_log", gfn: 0 }, fpf, fpf]);
    expect(labels.filter((l) => l.startsWith("fast_pf_fix_direct_spte: cmpxchg"))).toHaveLength(1);
    expect([...model.sptes.values()].map((v) => v.writable)).toEqual([true]);
  });
});

describe("tearing down with the v3.10 baseline", () => {
  test("destroy_vm zaps every shadow page and frees every rmap", () => {
    scenario("baseline", [slot0, { id: 1, baseGfn: 8, npages: 2, userspaceAddr: 0x80 }], [fault(0, 0), fault(1, 1, 2), fault(8, 0, 1, true), { kind: "destroy_vm" }]);
  });

  test("delete_slot zaps every shadow page", () => {
    scenario("baseline", [slot0], [fault(0, 0), fault(2, 1, 2), { kind: "delete_slot", id: 0 }]);
  });
});
