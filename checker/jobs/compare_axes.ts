/**
 * The two axes of issue 19's map that the main grid (compare_sweep.ts) holds
 * fixed: the number of shadow pages N and the notifier load. A small sweep:
 * the busy DELETE (vCPUs faulting) of each design at each N, with and
 * without an MMU notifier aging the other slot, under both preemption models;
 * half the pages over the deleted slot, slots as large as what is mapped, S
 * sptes per page. For each design against 3.10 and each metric, whether the
 * winner changes with N, with the notifier, or with neither. Simulated time:
 * a pure function of the request.
 */
import { Interrupted } from "../interrupted";
import type { PreemptionModel } from "../cost/preemption";
import { runScenario } from "../cost/scenario";
import { asSeries } from "../series/variants";
import { resolveVariant } from "../variants";

export { DEFAULT_AXES } from "./compare_defaults";

export interface AxesRequest {
  designs: readonly string[];
  pages: readonly number[];
  notifier: readonly boolean[];
  preemptions: readonly PreemptionModel[];
  sptes: number;
  vcpus: number;
}

export interface AxesPoint {
  design: string;
  pages: number;
  notifier: boolean;
  preemption: PreemptionModel;
  finished: boolean;
  latency: number;
  longestHold: number;
  vcpuWait: number;
}

/** Step budget: eight times a whole-VM zap's work, as the growth runs of compare.ts. */
const budget = (pages: number, sptes: number): number => 50_000 + 8 * pages * sptes * 12;

export function axesSweep(q: AxesRequest, interrupted?: () => boolean): AxesPoint[] {
  const out: AxesPoint[] = [];
  for (const design of q.designs) {
    const variant = asSeries(resolveVariant(design, null));
    for (const pages of q.pages) {
      for (const notifier of q.notifier) {
        for (const preemption of q.preemptions) {
          if (interrupted?.()) throw new Interrupted();
          const r = runScenario({ variant, op: "delete", mode: "busy", pages, sptes: q.sptes, vcpus: q.vcpus, check: false, budget: budget(pages, q.sptes), notifier, preemption });
          out.push({ design, pages, notifier, preemption, finished: r.finished, latency: r.latency, longestHold: r.longestHold, vcpuWait: r.waits["vcpu"]?.max ?? 0 });
        }
      }
    }
  }
  return out;
}

type Metric = "latency" | "longestHold" | "vcpuWait";
const METRICS: ReadonlyArray<[Metric, string]> = [["latency", "DELETE latency"], ["longestHold", "longest mmu_lock hold"], ["vcpuWait", "longest vCPU wait"]];
const value = (p: AxesPoint, m: Metric): number => (!p.finished && m !== "longestHold" ? Infinity : p[m]);
const n0 = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "DNF");
const preemptText = (p: PreemptionModel): string => (p === "preempt" ? "CONFIG_PREEMPT" : "no preempt");

/** Who wins against 3.10 at a point: "design", "3.10" or "tie". */
function winner(a: AxesPoint, base: AxesPoint, m: Metric): string {
  return value(a, m) < value(base, m) ? "design" : value(base, m) < value(a, m) ? "3.10" : "tie";
}

/**
 * For each design against 3.10 and each metric: "same winner everywhere", or
 * which axes change the winner (an axis changes it when two points that
 * differ only in that axis have different winners).
 */
export function axesVerdicts(q: AxesRequest, points: readonly AxesPoint[]): Array<{ design: string; metric: string; changesWith: string[]; winners: string[] }> {
  const at = (d: string, pages: number, notifier: boolean, preemption: PreemptionModel) => points.find((p) => p.design === d && p.pages === pages && p.notifier === notifier && p.preemption === preemption);
  const out = [];
  for (const design of q.designs.filter((d) => d !== "baseline")) {
    for (const [m, name] of METRICS) {
      const w = (pages: number, notifier: boolean, preemption: PreemptionModel): string => {
        const [a, b] = [at(design, pages, notifier, preemption), at("baseline", pages, notifier, preemption)];
        return a === undefined || b === undefined ? "not run" : winner(a, b, m);
      };
      const cells = q.pages.flatMap((n) => q.notifier.flatMap((b) => q.preemptions.map((p) => ({ n, b, p, w: w(n, b, p) }))));
      const changes = (differ: (x: (typeof cells)[number], y: (typeof cells)[number]) => boolean): boolean =>
        cells.some((x) => cells.some((y) => differ(x, y) && x.w !== y.w));
      const changesWith = [
        ...(changes((x, y) => x.n !== y.n && x.b === y.b && x.p === y.p) ? ["N"] : []),
        ...(changes((x, y) => x.n === y.n && x.b !== y.b && x.p === y.p) ? ["notifier"] : []),
        ...(changes((x, y) => x.n === y.n && x.b === y.b && x.p !== y.p) ? ["preemption model"] : []),
      ];
      out.push({ design, metric: name, changesWith, winners: [...new Set(cells.map((c) => c.w))] });
    }
  }
  return out;
}

/** The section of docs/compare.md: the values, then who wins against 3.10 and what changes it. */
export function axesText(q: AxesRequest, points: readonly AxesPoint[]): string[] {
  const cols = q.pages.flatMap((n) => q.notifier.flatMap((b) => q.preemptions.map((p) => [n, b, p] as const)));
  const at = (d: string, [n, b, p]: (typeof cols)[number]) => points.find((x) => x.design === d && x.pages === n && x.notifier === b && x.preemption === p)!;
  const verdicts = axesVerdicts(q, points);
  return [
    `## N and the notifier load (${cols.length} points per design)`,
    "",
    `The busy DELETE (${q.vcpus} vCPUs faulting on the other slot) at N = ${q.pages.join(", ")} shadow pages of S = ${q.sptes} sptes, half over the deleted slot, slots as large as what is mapped; with an MMU notifier aging the other slot or without one; both preemption models. Ticks of simulated time; DNF: did not finish (the step budget, a livelock).`,
    "",
    ...METRICS.flatMap(([m, name]) => [
      `| ${name} | ${cols.map(([n, b, p]) => `N=${n}, ${b ? "notifier" : "no notifier"}, ${preemptText(p)}`).join(" | ")} |`,
      `|---|${cols.map(() => "---").join("|")}|`,
      ...q.designs.map((d) => `| \`${d}\` | ${cols.map((c) => n0(value(at(d, c), m))).join(" | ")} |`),
      "",
    ]),
    "Against 3.10 (lower wins): whether the winner changes along an axis (two points that differ only in it have different winners).",
    "",
    "| design | metric | winners seen | the winner changes with |",
    "|---|---|---|---|",
    ...verdicts.map((v) => `| \`${v.design}\` | ${v.metric} | ${v.winners.map((w) => (w === "design" ? v.design : w)).join(", ")} | ${v.changesWith.join(", ") || "nothing: the same winner everywhere"} |`),
  ];
}
