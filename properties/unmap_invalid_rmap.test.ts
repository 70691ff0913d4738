/**
 * unmap_invalid_rmap, the lock-free unmap of one rmap of a slot being deleted
 * (one call of kvm_unmap_invalid_rmapp_nolock; the exhaustive scenarios'
 * unmapper thread), run sequentially on the implementation and the model side
 * by side with every check of the sequential property (runCommand).
 */
import { SMALL_CONFIG } from "../impl/config";
import { runCommand } from "../checker/series/oracle/sequential_check";
import { initialModel, makeWorld, type WorldConfig } from "../checker/series/world";
import type { OpDesc } from "../model/operations";
import { enabled } from "../model/spec";
import { Thread } from "../runtime/thread";
import { variant } from "./variants";

const cfg: WorldConfig = { kvm: SMALL_CONFIG, slots: [{ id: 0, baseGfn: 0, npages: 2, userspaceAddr: 0x40 }] };
const fault = (gfn: number, quadrant: number, level = 1): OpDesc => ({ kind: "page_fault", gfn, level, write: true, quadrant });

describe("unmap_invalid_rmap", () => {
  test("empties exactly the rmap it names, and the DELETE finishes as usual", () => {
    const v = variant("v3-fixed");
    const t = new Thread(0, "t", []);
    const w = makeWorld(cfg, v, [t], { warnIsFatal: true });
    let s = initialModel(cfg, v);
    const ops: OpDesc[] = [fault(0, 0), fault(0, 1), fault(0, 2), fault(0, 3), fault(1, 0), fault(0, 0, 2), { kind: "begin_delete_slot", id: 0 }];
    for (const op of ops) s = runCommand(w, t, s, op);
    const rmaps = () => [...s.rmaps.keys()].sort();
    expect(rmaps()).toEqual(["0:1:0", "0:1:1", "0:2:0"]);
    s = runCommand(w, t, s, { kind: "unmap_invalid_rmap", id: 0, gfn: 0, level: 1 });
    expect(rmaps()).toEqual(["0:1:1", "0:2:0"]);
    s = runCommand(w, t, s, { kind: "unmap_invalid_rmap", id: 0, gfn: 1, level: 1 });
    expect(rmaps()).toEqual(["0:2:0"]);
    s = runCommand(w, t, s, { kind: "unmap_invalid_slot", id: 0 });
    s = runCommand(w, t, s, { kind: "finish_delete_slot", id: 0 });
    expect(rmaps()).toEqual([]);
    expect(s.slots.size).toBe(0);
  });

  test("is enabled only while the slot's DELETE is begun", () => {
    const v = variant("v3-fixed");
    const s = initialModel(cfg, v);
    const op: OpDesc = { kind: "unmap_invalid_rmap", id: 0, gfn: 0, level: 1 };
    expect(enabled({ geo: { levelShift: 1, sptesPerPage: 4, adBits: true }, flush: "invalidate" }, s, op)).toBe(false);
  });
});
