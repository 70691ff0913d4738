/**
 * How often the default sampled search reaches each race window that a
 * hand-written race test builds (checker/series/windows.ts): the benchmark
 * runs this on many seeds. The search is the main job's concurrent phase with
 * the given budget; it stops early once every window was reached.
 */
import { WINDOWS, WindowWatcher } from "../series/windows";
import { explore, type SchedulerName } from "../search/explore";
import type { Variant } from "../subject";

export interface WindowReach {
  /** Window names, in WINDOWS order, with the run (1-based) that first reached each, or null. */
  windows: Array<{ name: string; firstRun: number | null }>;
  runs: number;
}

export const windowNames = (): string[] => WINDOWS.map((w) => w.name);

export function windowReach(variant: Variant, seed: number, runs: number, scheduler: SchedulerName = "pct", tso = false): WindowReach {
  const first = new Map<string, number>();
  let run = 0;
  explore({
    variant,
    seed,
    runs,
    scheduler,
    tso,
    candidates: 0,
    interrupted: () => first.size === WINDOWS.length,
    observe: () => {
      run++;
      const w = new WindowWatcher();
      const n = run;
      return [
        w,
        {
          afterStep: () => {},
          opStart: () => {},
          opEnd: () => {
            for (const name of w.reached) if (!first.has(name)) first.set(name, n);
          },
        },
      ];
    },
  });
  return { windows: WINDOWS.map((w) => ({ name: w.name, firstRun: first.get(w.name) ?? null })), runs: run };
}
