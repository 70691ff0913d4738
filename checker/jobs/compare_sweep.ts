/**
 * --compare as a map, not a point (issue 19): the DELETE of each design over
 * a grid of the parameters its cost depends on (share of the shadow pages
 * over the deleted slot, slot size over what is mapped, sptes per page,
 * vCPUs idle or faulting with a notifier, kernel preemption model), and for
 * each pair of designs where each one wins on DELETE latency, longest
 * mmu_lock hold and longest vCPU wait. Simulated time: a pure function of the
 * request.
 */
import { Interrupted } from "../interrupted";
import type { CostMode } from "../cost/scenario";
import { runScenario } from "../cost/scenario";
import type { PreemptionModel } from "../cost/preemption";
import { asSeries } from "../series/variants";
import { resolveVariant } from "../variants";

export { DEFAULT_SWEEP } from "./compare_defaults";

export interface SweepRequest {
  designs: readonly string[];
  /** Shadow pages N of every point. */
  pages: number;
  vcpus: number;
  shares: readonly number[];
  slotScales: readonly number[];
  sptes: readonly number[];
  modes: readonly CostMode[];
  preemptions: readonly PreemptionModel[];
}

export interface SweepParams {
  share: number;
  slotScale: number;
  sptes: number;
  mode: CostMode;
  preemption: PreemptionModel;
}

export interface SweepPoint extends SweepParams {
  design: string;
  finished: boolean;
  latency: number;
  longestHold: number;
  /** Longest vCPU wait for mmu_lock (0 when idle). */
  vcpuWait: number;
}

export type SweepMetric = "latency" | "longestHold" | "vcpuWait";
export const SWEEP_METRICS: ReadonlyArray<{ metric: SweepMetric; name: string; modes: readonly CostMode[] }> = [
  { metric: "latency", name: "DELETE latency", modes: ["idle", "busy"] },
  { metric: "longestHold", name: "longest mmu_lock hold", modes: ["idle", "busy"] },
  { metric: "vcpuWait", name: "longest vCPU wait", modes: ["busy"] },
];

/** Every point of the grid, in a fixed order. */
export function sweepGrid(q: SweepRequest): SweepParams[] {
  const out: SweepParams[] = [];
  for (const share of q.shares) for (const slotScale of q.slotScales) for (const sptes of q.sptes) for (const mode of q.modes) for (const preemption of q.preemptions) out.push({ share, slotScale, sptes, mode, preemption });
  return out;
}

/**
 * Step budget of a point (steps of every thread): twice a whole-VM zap's
 * work, or of a walk of the deleted slot's heads if that is larger; a run
 * past it does not finish (a livelock: the 2019 design with vCPUs faulting
 * and lock-breaks). N = 16 is 1.6 of 3.11's BATCH_ZAP_PAGES (10): one
 * lock-break per DELETE at most; larger N is the growth table's job.
 */
const budget = (q: SweepRequest, p: SweepParams): number => 50_000 + 2 * 12 * q.pages * p.sptes * Math.max(1, p.share * p.slotScale);

/**
 * Every point of the grid for every design. An idle point is run once for
 * both preemption models "preempt" and "none": with no thread but the
 * DELETE, nothing ever spins on mmu_lock, so "preempt" never breaks it either
 * (checker/cost/preemption.ts); properties/cost.test.ts checks that the two
 * runs are equal for every design.
 */
export function sweep(q: SweepRequest, interrupted?: () => boolean): SweepPoint[] {
  const out: SweepPoint[] = [];
  const grid = sweepGrid(q);
  for (const design of q.designs) {
    const variant = asSeries(resolveVariant(design, null));
    const idle = new Map<string, Omit<SweepPoint, keyof SweepParams | "design">>();
    for (const p of grid) {
      if (interrupted?.()) throw new Interrupted();
      const shared = p.mode === "idle" && p.preemption !== "always" ? `${p.share}|${p.slotScale}|${p.sptes}` : null;
      let m = shared === null ? undefined : idle.get(shared);
      if (m === undefined) {
        const r = runScenario({ variant, op: "delete", mode: p.mode, pages: q.pages, sptes: p.sptes, vcpus: q.vcpus, check: false, budget: budget(q, p), share: p.share, slotScale: p.slotScale, preemption: p.preemption });
        m = { finished: r.finished, latency: r.latency, longestHold: r.longestHold, vcpuWait: r.waits["vcpu"]?.max ?? 0 };
        if (shared !== null) idle.set(shared, m);
      }
      out.push({ ...p, design, ...m });
    }
  }
  return out;
}

/** One pair of designs on one metric: the points each wins (lower is better; a run that did not finish loses on latency and waits). */
export interface Crossover {
  a: string;
  b: string;
  metric: SweepMetric;
  points: number;
  aWins: number;
  bWins: number;
  ties: number;
  /** Parameter values at which a (resp. b) wins at every point of the grid with that value. */
  aRegion: string[];
  bRegion: string[];
}

const key = (p: SweepParams): string => `${p.share}|${p.slotScale}|${p.sptes}|${p.mode}|${p.preemption}`;

/** The value of `metric` at a point, with a run that did not finish counting as infinitely slow (its hold is what was measured). */
function value(p: SweepPoint, metric: SweepMetric): number {
  if (!p.finished && metric !== "longestHold") return Infinity;
  return p[metric];
}

const DIMENSIONS: ReadonlyArray<[keyof SweepParams, string]> = [
  ["share", "share"],
  ["slotScale", "slot/mapped"],
  ["sptes", "S"],
  ["mode", "vCPUs"],
  ["preemption", "preemption"],
];

export function crossovers(points: readonly SweepPoint[], designs: readonly string[]): Crossover[] {
  const by = new Map(points.map((p) => [`${p.design}#${key(p)}`, p]));
  const out: Crossover[] = [];
  for (let i = 0; i < designs.length; i++) {
    for (let j = i + 1; j < designs.length; j++) {
      const [a, b] = [designs[i]!, designs[j]!];
      for (const { metric, modes } of SWEEP_METRICS) {
        const pairs = points.filter((p) => p.design === a && modes.includes(p.mode)).map((pa) => [pa, by.get(`${b}#${key(pa)}`)!] as const);
        const winner = (pa: SweepPoint, pb: SweepPoint): "a" | "b" | "tie" => (value(pa, metric) < value(pb, metric) ? "a" : value(pb, metric) < value(pa, metric) ? "b" : "tie");
        const region = (who: "a" | "b"): string[] => {
          const res: string[] = [];
          for (const [dim, name] of DIMENSIONS) {
            const values = [...new Set(pairs.map(([pa]) => pa[dim]))];
            for (const v of values) {
              const at = pairs.filter(([pa]) => pa[dim] === v);
              if (values.length > 1 && at.length > 0 && at.every(([pa, pb]) => winner(pa, pb) === who)) res.push(`${name} ${v}`);
            }
          }
          return res;
        };
        const w = pairs.map(([pa, pb]) => winner(pa, pb));
        out.push({ a, b, metric, points: pairs.length, aWins: w.filter((x) => x === "a").length, bWins: w.filter((x) => x === "b").length, ties: w.filter((x) => x === "tie").length, aRegion: region("a"), bRegion: region("b") });
      }
    }
  }
  return out;
}

/** The crossover table and, per design, how many points did not finish. */
export function sweepText(q: SweepRequest, points: readonly SweepPoint[]): string[] {
  const cx = crossovers(points, q.designs);
  const name = (m: SweepMetric): string => SWEEP_METRICS.find((x) => x.metric === m)!.name;
  const region = (r: string[], wins: number, points: number): string => (wins === points ? "everywhere" : r.length === 0 ? "-" : r.join(", "));
  const unfinished = q.designs.map((d) => [d, points.filter((p) => p.design === d && !p.finished)] as const).filter(([, ps]) => ps.length > 0);
  return [
    `## The map: where each design wins (${points.length / q.designs.length} points per design)`,
    "",
    `N = ${q.pages} shadow pages, ${q.vcpus} vCPUs; share of the pages over the deleted slot ${q.shares.join(", ")}; each slot ${q.slotScales.join(", ")} times what is mapped of it; S = ${q.sptes.join(", ")} sptes per page; vCPUs ${q.modes.join(" or ")} (busy: faulting in a loop on the other slot, with an MMU notifier aging it); preemption model ${q.preemptions.join(", ")} (\`cond_resched_lock\` drops \`mmu_lock\` only when a vCPU spins on it with CONFIG_PREEMPT, never without). Lower wins; a run that did not finish loses on latency and vCPU wait. *Always wins at*: the parameter values at which the design wins at every point of the grid with that value.`,
    "",
    "| A | B | metric | points | A wins | B wins | ties | A always wins at | B always wins at |",
    "|---|---|---|---|---|---|---|---|---|",
    ...cx.map((c) => `| \`${c.a}\` | \`${c.b}\` | ${name(c.metric)} | ${c.points} | ${c.aWins} | ${c.bWins} | ${c.ties} | ${region(c.aRegion, c.aWins, c.points)} | ${region(c.bRegion, c.bWins, c.points)} |`),
    "",
    ...(unfinished.length === 0
      ? ["Every point finished."]
      : unfinished.map(([d, ps]) => `\`${d}\` did not finish (step budget, a livelock) at ${ps.length} points: ${[...new Set(ps.map((p) => `${p.mode}/${p.preemption}`))].join(", ")}.`)),
  ];
}
