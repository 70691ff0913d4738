/**
 * Step costs as a stated, varied assumption: what one atomic step costs, by
 * kind. The default ("unit") charges one tick for every kind, so every count
 * can be redone by hand from a trace; the other profiles charge nanoseconds
 * from published figures, to show which conclusions survive when an IPI
 * costs thousands of loads (docs/compare.md, "Sensitivity to step costs").
 *
 * Sources (every figure is an order of magnitude, not a measurement of 2013 hardware):
 *   [L12] "Latency numbers every programmer should know" (Jeff Dean, Peter
 *         Norvig; the 2012 table): main memory reference 100 ns, mutex
 *         lock/unlock 25 ns, L1 cache reference 0.5 ns.
 *   [L20] the same table for ~2020 (colin-scott.github.io interactive_latency):
 *         L1 1 ns, mutex lock/unlock 17 ns, main memory 100 ns.
 *   [IPI] an IPI round trip (TLB shootdown) "~1-3 us on modern Xeons"
 *         (newsletter.onedfrk.com, "TLB Shootdowns", 2026); 2,000 ns here.
 *   [I]   inferred, no source: an expedited SRCU grace period costs about one
 *         IPI round trip to every CPU (synchronize_srcu_expedited); an
 *         alloc/free a cache miss.
 */
import type { Step, StepOp } from "../../runtime/step";

export type StepKind = "memory" | "atomic" | "lock" | "ipi" | "srcu" | "alloc-free" | "other";

export function stepKind(op: StepOp): StepKind {
  switch (op) {
    case "load":
    case "store":
      return "memory";
    case "xchg":
    case "cmpxchg":
    case "or_if":
    case "lock_and":
    case "lock_or":
      return "atomic";
    case "spin_lock":
    case "spin_unlock":
      return "lock";
    case "wait_regions":
      return "ipi";
    case "synchronize_srcu":
      return "srcu";
    case "alloc":
    case "free":
      return "alloc-free";
    default:
      return "other";
  }
}

export interface CostProfile {
  name: string;
  unit: string;
  source: string;
  cost: Record<StepKind, number>;
}

export const PROFILES: readonly CostProfile[] = [
  { name: "unit", unit: "ticks", source: "every step one tick (the default)", cost: { memory: 1, atomic: 1, lock: 1, ipi: 1, srcu: 1, "alloc-free": 1, other: 1 } },
  {
    name: "cold-2012",
    unit: "ns",
    source: "every shared access a cache miss: memory 100 ns and lock 25 ns [L12], atomic 100 ns [I], IPI 2,000 ns [IPI], SRCU grace period 2,000 ns [I], alloc/free 100 ns [I]",
    cost: { memory: 100, atomic: 100, lock: 25, ipi: 2000, srcu: 2000, "alloc-free": 100, other: 1 },
  },
  {
    name: "warm-2020",
    unit: "ns",
    source: "every shared access an L1 hit: memory 1 ns and lock 17 ns [L20], atomic 17 ns [I], IPI 2,000 ns [IPI], SRCU grace period 2,000 ns [I], alloc/free 17 ns [I]",
    cost: { memory: 1, atomic: 17, lock: 17, ipi: 2000, srcu: 2000, "alloc-free": 17, other: 1 },
  },
];

export const UNIT_PROFILE: CostProfile = PROFILES[0]!;

/** What step `s` costs under `p`. */
export function stepCost(p: CostProfile, s: Step): number {
  return p.cost[stepKind(s.op)];
}
