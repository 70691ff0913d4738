/**
 * --compare's map on a worker thread (checker/jobs/compare_map.ts): the same
 * map as on the caller's thread; the caller's wait ends at an interrupt
 * (Interrupted, as on one thread); and a worker that died without a word is
 * called dead once it computed no point for the stall time, with an error,
 * never a map.
 */
import { Interrupted } from "../checker/interrupted";
import { DEFAULT_AXES, DEFAULT_SWEEP } from "../checker/jobs/compare_defaults";
import { computeMap, mapOnWorker, type MapRequest } from "../checker/jobs/compare_map";

/** A small map: two designs, a few points. */
const SMALL: MapRequest = {
  sweep: { ...DEFAULT_SWEEP, designs: ["baseline", "v3-fixed"], shares: [1], slotScales: [1], sptes: [8], modes: ["idle"], preemptions: ["preempt"] },
  axes: { ...DEFAULT_AXES, designs: ["baseline", "v3-fixed"], pages: [16], notifier: [false], preemptions: ["preempt"] },
  designs: ["baseline", "v3-fixed"],
  pages: 16,
  sptes: 8,
  vcpus: 2,
  budget: 200_000,
};

/** The default map: about a minute of work, so that it is still running when the test acts. */
const LONG: MapRequest = { sweep: DEFAULT_SWEEP, axes: DEFAULT_AXES, designs: ["baseline", "v3-fixed"], pages: 16, sptes: 8, vcpus: 4, budget: 200_000 };

const untimed = (m: ReturnType<typeof computeMap>) => ({ ...m, sweepMs: null, profilesMs: null });

describe("--compare's map on a worker thread", () => {
  test("the same map as on the caller's thread", () => {
    const w = mapOnWorker(SMALL);
    try {
      const here = computeMap(SMALL);
      expect(here.points!.length).toBeGreaterThan(0);
      expect(untimed(w.join())).toEqual(untimed(here));
    } finally {
      w.stop();
    }
  });

  test("an interrupt ends the caller's wait with Interrupted", () => {
    const w = mapOnWorker(LONG);
    let polls = 0;
    try {
      expect(() => w.join(() => ++polls > 5)).toThrow(Interrupted);
      expect(polls).toBe(6);
    } finally {
      w.stop();
    }
  });

  test("a worker that died without a word: an error once no point came for the stall time, never a map", () => {
    const w = mapOnWorker(LONG, 1500);
    w.stop(); // as a crash would: no result, no signal
    expect(() => w.join()).toThrow(/the map's worker computed no point in 2 s; it died \(out of memory\?\) or hangs/);
  });
});
