/**
 * --compare: the designs side by side (issue 12). For each design: its safety
 * verdict from the sampled check (the main job, `check`), then the cost of a
 * memslot DELETE and of kvm_arch_flush_shadow_all in simulated time
 * (checker/cost/) at one size, then how each cost grows as the VM grows by 4x.
 * Everything in `rows` and `text` is a function of the request (same request,
 * same bytes); wall-clock times are only in `timing`.
 */
import { Interrupted } from "../interrupted";
import type { Progress } from "../progress";
import { type CostMode, type CostOp, runScenario, type ScenarioResult } from "../cost/scenario";
import { findLasso, type Lasso } from "../report/lasso";
import type { WaitStats } from "../cost/counters";
import { asSeries } from "../series/variants";
import { resolveVariant } from "../variants";
import { check } from "./check";
import { exhaustive } from "./exhaustive";
import { traceOf } from "../exhaustive/scenario";
import { scenariosOf } from "../exhaustive/scenario_files";
import type { SchedulerName } from "../search/explore";
import { compareText } from "./compare_text";
import { type ProfilePoint, profileText } from "./compare_profiles";
import { type Crossover, crossovers, type SweepPoint, type SweepRequest, sweepText } from "./compare_sweep";
import { type AxesPoint, type AxesRequest, axesText } from "./compare_axes";
import { DEFAULT_COMPARE } from "./compare_defaults";
import { computeMap, mapOnWorker, type MapRequest, type MapResult } from "./compare_map";

export { COMPARE_DESIGNS, DEFAULT_COMPARE } from "./compare_defaults";

export interface CompareRequest {
  designs: readonly string[];
  /** The sampled check: seed, runs, sequences, scheduler (as `check`). */
  seed: number;
  runs: number;
  sequences: number;
  scheduler: SchedulerName;
  /** Shadow pages of the cost columns (one of `sizes`). */
  pages: number;
  /** Shadow-page counts of the growth runs, each 4x the one before. */
  sizes: readonly number[];
  /** Sptes per shadow page. */
  sptes: number;
  vcpus: number;
  /** Runs at or below this many pages are checked (every invariant after every step); larger ones run bare. */
  checkedUpTo: number;
  /** The exhaustive column: every series scenario the design can run, at most this many preemptions (null: the column is not computed). */
  preemptions: number | null;
  /** The map (compare_sweep.ts): the DELETE over a grid of workloads and preemption models (null: not computed). */
  sweep: SweepRequest | null;
  /** The map's other axes, N and the notifier load (compare_axes.ts); computed only with the map. */
  axes: AxesRequest;
  /** 2: the map and the profiles on a worker thread beside the rows (compare_map.ts; the same output). */
  workers: 1 | 2;
}


export interface Safety {
  verdict: "pass" | "violation";
  invariant: string | null;
  /** Counterexample size: operations, atomic steps, preemptions (null on a pass). */
  operations: number | null;
  atomicSteps: number | null;
  preemptions: number | null;
  /** What a pass rests on: runs and checked atomic steps of the sampled check. */
  runs: number;
  steps: number;
  command: string;
  /** The exhaustive mode over the series scenarios the design can run (exhaustiveVerdict; null: not run). */
  exhaustive: string | null;
}

/** The cost of one operation in one scenario. */
export interface Cost {
  op: CostOp;
  mode: CostMode;
  pages: number;
  finished: boolean;
  latency: number;
  longestHold: number;
  totalHold: number;
  holds: number;
  vcpuWait: WaitStats | null;
  notifierWait: WaitStats | null;
  rmapHeadsTouched: number;
  descsTouched: number;
  unlockedSteps: number;
  /** Pages left live and obsolete for mmu_shrink to reclaim later. */
  obsoleteLeft: number;
  /** Checked (every invariant after every step) or bare. */
  checked: boolean;
  violation: string | null;
}

export interface Growth {
  metric: string;
  /** The metric at each size, then the ratio between neighbours (null where a run did not finish or a value is 0). */
  values: number[];
  ratios: Array<number | null>;
}

export interface CompareRow {
  design: string;
  summary: string;
  safety: Safety;
  /** The three scenarios at `pages`, then the DELETE with its deferred reclaim (idle). */
  cost: Cost[];
  /** Every scenario at every size (the plots' data). */
  scale: Cost[];
  growth: Growth[];
  /** For a DELETE that did not finish with busy vCPUs: the repeating part of its run. */
  livelock: Lasso | null;
}

export interface CompareOutput {
  request: CompareRequest;
  rows: CompareRow[];
  /** Checked atomic steps of the interleaved phase at each size (merged-3.11, busy DELETE); their rate is in `timing`. */
  checkerSteps: Array<{ pages: number; steps: number }>;
  /** The map: every point of the sweep, and who wins where (null: --no-sweep). */
  sweep: { points: SweepPoint[]; crossovers: Crossover[]; axes: AxesPoint[] } | null;
  /** The DELETE of every design at `pages` under each step-cost profile (compare_profiles.ts). */
  profiles: ProfilePoint[];
  text: string;
  timing: CompareTiming;
}

export interface CompareTiming {
  checkMs: Record<string, number>;
  /** The exhaustive column, per design. */
  exhaustiveMs: Record<string, number>;
  costMs: number;
  /** The sweep (the map), its N and notifier axes included. */
  sweepMs: number;
  /** The step-cost profiles. */
  profilesMs: number;
  /** Checked atomic steps per second, interleaved phase only, at each size. */
  checkedStepsPerSecond: Array<{ pages: number; stepsPerSecond: number; bareStepsPerSecond: number }>;
}

const SCENARIOS: ReadonlyArray<{ op: CostOp; mode: CostMode }> = [
  { op: "delete", mode: "idle" },
  { op: "delete", mode: "busy" },
  { op: "flush_all", mode: "idle" },
];

function toCost(op: CostOp, mode: CostMode, pages: number, checked: boolean, r: ScenarioResult): Cost {
  return {
    op, mode, pages, finished: r.finished, latency: r.latency, longestHold: r.longestHold, totalHold: r.totalHold, holds: r.holds,
    vcpuWait: r.waits["vcpu"] ?? null, notifierWait: r.waits["notifier"] ?? null, rmapHeadsTouched: r.rmapHeadsTouched,
    descsTouched: r.descsTouched, unlockedSteps: r.unlockedSteps, obsoleteLeft: r.obsoleteLeft, checked, violation: r.violation,
  };
}

/** Step budget of a scenario: eight times a whole-VM zap's work, so only a run that does not converge exceeds it. */
const budget = (pages: number, sptes: number): number => 50_000 + 8 * pages * sptes * 12;

function safety(design: string, q: CompareRequest, timing: CompareTiming): Safety {
  const t0 = Date.now();
  const s = check({ variant: resolveVariant(design, null), seed: q.seed, runs: q.runs, sequences: q.sequences, scheduler: q.scheduler, depth: 3, tso: false }).summary;
  timing.checkMs[design] = Date.now() - t0;
  const v = s.violation;
  return {
    verdict: v === null ? "pass" : "violation",
    invariant: v?.invariant ?? null,
    operations: v?.operations ?? null,
    atomicSteps: v?.atomicSteps ?? null,
    preemptions: v?.preemptions ?? null,
    runs: s.runs + s.sequential.sequences,
    steps: s.steps,
    command: `npm start -- --design ${design} --seed ${q.seed} --runs ${q.runs} --sequences ${q.sequences} --scheduler ${q.scheduler}`,
    exhaustive: q.preemptions === null ? null : exhaustiveVerdict(design, q.preemptions, timing),
  };
}

/**
 * The exhaustive mode on every scenario of `scenarios/` of the series that
 * the design can run (a v3 DELETE needs a design that has one), at most
 * `bound` preemptions: "verified on N scenarios", or how many it violates
 * and the first, in name order.
 */
function exhaustiveVerdict(design: string, bound: number, timing: CompareTiming): string {
  const t0 = Date.now();
  const variant = resolveVariant(design, null);
  const preemptions = (k: number): string => `${k} preemption${k === 1 ? "" : "s"}`;
  let ran = 0;
  let violated = 0;
  let first = "";
  for (const scenario of scenariosOf(variant.subject)) {
    if (variant.subject.traceProblem?.(traceOf(scenario, design), variant)) continue;
    const s = exhaustive({ variant, scenario, preemptions: bound }).summary;
    ran++;
    if (s.verdict !== "violation") continue;
    if (violated++ === 0) first = `${scenario.name}: ${s.violation!.invariant}, ${preemptions(s.violation!.preemptions)}`;
  }
  timing.exhaustiveMs[design] = Date.now() - t0;
  const within = preemptions(bound);
  return violated === 0 ? `verified on ${ran} scenarios within ${within}` : `violated on ${violated} of ${ran} scenarios within ${within} (first ${first})`;
}

function growth(scale: Cost[], sizes: readonly number[]): Growth[] {
  const metrics: Array<[string, CostOp, CostMode, (c: Cost) => number]> = [
    ["DELETE latency, idle", "delete", "idle", (c) => c.latency],
    ["DELETE latency, busy", "delete", "busy", (c) => c.latency],
    ["longest mmu_lock hold, DELETE idle", "delete", "idle", (c) => c.longestHold],
    ["total mmu_lock hold, DELETE idle", "delete", "idle", (c) => c.totalHold],
    ["vCPU wait max, DELETE busy", "delete", "busy", (c) => c.vcpuWait?.max ?? 0],
    ["flush_shadow_all latency", "flush_all", "idle", (c) => c.latency],
  ];
  return metrics.map(([metric, op, mode, f]) => {
    const cs = sizes.map((n) => scale.find((c) => c.op === op && c.mode === mode && c.pages === n)!);
    const values = cs.map(f);
    const ratios = cs.slice(1).map((c, i) => (c.finished && cs[i]!.finished && values[i]! > 0 ? values[i + 1]! / values[i]! : null));
    return { metric, values, ratios };
  });
}

export interface CompareHooks {
  progress?: (p: Progress) => void;
  /** Polled between designs and between the map's points (on either thread): true stops the job (it throws Interrupted: a comparison is all or nothing). */
  interrupted?: () => boolean;
}

export function compare(request: Partial<CompareRequest> = {}, hooks: CompareHooks = {}): CompareOutput {
  const q: CompareRequest = { ...DEFAULT_COMPARE, ...request };
  const timing: CompareTiming = { checkMs: {}, exhaustiveMs: {}, costMs: 0, sweepMs: 0, profilesMs: 0, checkedStepsPerSecond: [] };
  const rows: CompareRow[] = [];
  const mapRequest: MapRequest = { sweep: q.sweep, axes: q.axes, designs: q.designs, pages: q.pages, sptes: q.sptes, vcpus: q.vcpus, budget: budget(q.pages, q.sptes) };
  const onWorker = q.workers === 2 ? mapOnWorker(mapRequest) : null;
  try {
    return finish(q, rows, timing, hooks, onWorker === null ? () => computeMap(mapRequest, hooks.interrupted) : () => onWorker.join(hooks.interrupted));
  } finally {
    onWorker?.stop();
  }
}

function finish(q: CompareRequest, rows: CompareRow[], timing: CompareTiming, hooks: CompareHooks, map: () => MapResult): CompareOutput {
  const t0 = Date.now();
  for (const design of q.designs) {
    if (hooks.interrupted?.()) throw new Interrupted();
    hooks.progress?.({ phase: "compare", done: rows.length, budget: q.designs.length, violations: rows.filter((r) => r.safety.verdict === "violation").length });
    const variant = asSeries(resolveVariant(design, null));
    const scale: Cost[] = [];
    let livelock: Lasso | null = null;
    for (const pages of q.sizes) {
      for (const { op, mode } of SCENARIOS) {
        const checked = pages <= q.checkedUpTo;
        const r = runScenario({ variant, op, mode, pages, sptes: q.sptes, vcpus: q.vcpus, check: checked, budget: budget(pages, q.sptes) });
        scale.push(toCost(op, mode, pages, checked, r));
        if (!r.finished && livelock === null && r.trace !== null) livelock = findLasso(r.trace);
      }
    }
    // The deferred reclaim: the DELETE, then mmu_shrink until no obsolete page is left (bare: see checker/cost/scenario.ts).
    const reclaim = runScenario({ variant, op: "delete_reclaim", mode: "idle", pages: q.pages, sptes: q.sptes, vcpus: q.vcpus, check: false, budget: budget(q.pages, q.sptes) });
    const cost = [...scale.filter((c) => c.pages === q.pages), toCost("delete_reclaim", "idle", q.pages, false, reclaim)];
    rows.push({ design, summary: variant.design.summary, safety: { ...safety(design, q, timing) }, cost, scale, growth: growth(scale, q.sizes), livelock });
  }
  timing.costMs = Date.now() - t0 - Object.values(timing.checkMs).reduce((a, b) => a + b, 0);
  const checkerSteps = checkerCost(q, timing);
  const { points, axes, profiles, sweepMs, profilesMs } = map();
  timing.sweepMs = sweepMs;
  timing.profilesMs = profilesMs;
  const sweepOut = q.sweep === null || points === null || axes === null ? null : { points, crossovers: crossovers(points, q.sweep.designs), axes };
  const text = [
    compareText(q, rows, checkerSteps),
    "",
    ...profileText(profiles, q.designs, q.pages, q.sptes),
    ...(q.sweep === null || points === null ? [] : ["", ...sweepText(q.sweep, points)]),
    ...(axes === null ? [] : ["", ...axesText(q.axes, axes)]),
  ].join("\n");
  return { request: q, rows, checkerSteps, sweep: sweepOut, profiles, text, timing };
}

/** The checker's own cost as N grows: the same busy DELETE of merged-3.11, checked and bare. */
function checkerCost(q: CompareRequest, timing: CompareTiming): Array<{ pages: number; steps: number }> {
  const variant = asSeries(resolveVariant("merged-3.11", null));
  // Each rate over at least 0.3 s of runs (one run at small N takes well under a millisecond).
  const rate = (check: boolean, pages: number): { steps: number; perSecond: number } => {
    let steps = 0;
    let ns = 0;
    let first = 0;
    do {
      const r = runScenario({ variant, op: "delete", mode: "busy", pages, sptes: q.sptes, vcpus: q.vcpus, check, budget: budget(pages, q.sptes) });
      if (first === 0) first = r.totalSteps;
      steps += r.totalSteps;
      ns += r.runNs;
    } while (ns < 3e8);
    return { steps: first, perSecond: steps / (ns / 1e9) };
  };
  for (let i = 0; i < 3; i++) rate(true, q.sizes[0]!); // warm the JIT up before the first rate
  return q.sizes.map((pages) => {
    const bare = rate(false, pages);
    const checked = rate(true, pages);
    timing.checkedStepsPerSecond.push({ pages, stepsPerSecond: checked.perSecond, bareStepsPerSecond: bare.perSecond });
    return { pages, steps: checked.steps };
  });
}
