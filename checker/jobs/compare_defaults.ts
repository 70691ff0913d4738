/**
 * --compare's default request: the designs it compares, the map's grid
 * (DEFAULT_SWEEP, compare_sweep.ts) and its other axes (DEFAULT_AXES,
 * compare_axes.ts). Plain data with no import but types, so the command
 * line can print the defaults in its help without loading --compare
 * (checker/lazy_module.ts).
 */
import type { CompareRequest } from "./compare";
import type { AxesRequest } from "./compare_axes";
import type { SweepRequest } from "./compare_sweep";

export const COMPARE_DESIGNS = ["baseline", "v3", "v3-fixed", "merged-3.11", "zap-all-2019", "zap-roots-v1", "zap-roots-v1-track"] as const;

export const DEFAULT_SWEEP: SweepRequest = {
  designs: ["baseline", "v3-fixed", "merged-3.11", "zap-all-2019", "zap-roots-v1-track"],
  pages: 16,
  vcpus: 4,
  shares: [1, 0.5, 0.125],
  slotScales: [1, 2, 8],
  sptes: [8, 64, 512],
  modes: ["idle", "busy"],
  preemptions: ["preempt", "none"],
};

export const DEFAULT_AXES: AxesRequest = {
  designs: ["baseline", "v3-fixed", "merged-3.11", "zap-all-2019", "zap-roots-v1-track"],
  pages: [16, 64, 256],
  notifier: [true, false],
  preemptions: ["preempt", "none"],
  sptes: 8,
  vcpus: 4,
};

export const DEFAULT_COMPARE: CompareRequest = {
  designs: COMPARE_DESIGNS,
  seed: 1,
  runs: 3000,
  sequences: 300,
  scheduler: "pct",
  pages: 1024,
  sizes: [16, 64, 256, 1024, 4096],
  sptes: 8,
  vcpus: 4,
  checkedUpTo: 64,
  preemptions: 1,
  sweep: DEFAULT_SWEEP,
  axes: DEFAULT_AXES,
  workers: 1,
};
