/**
 * Sensitivity of --compare to step costs: the DELETE of every design at the
 * comparison's N under each cost profile (checker/cost/profiles.ts), and for
 * each design against baseline (3.10) and each metric whether it wins under
 * every profile or the answer flips. Simulated time, deterministic.
 */
import { type CostMode, runScenario } from "../cost/scenario";
import { PROFILES } from "../cost/profiles";
import { Interrupted } from "../interrupted";
import { asSeries } from "../series/variants";
import { resolveVariant } from "../variants";

export interface ProfilePoint {
  profile: string;
  design: string;
  mode: CostMode;
  finished: boolean;
  latency: number;
  longestHold: number;
  vcpuWait: number;
}

/** `interrupted` is polled before each point (true: it throws Interrupted). */
export function profileSweep(designs: readonly string[], pages: number, sptes: number, vcpus: number, budget: number, interrupted?: () => boolean): ProfilePoint[] {
  const out: ProfilePoint[] = [];
  for (const profile of PROFILES) {
    for (const design of designs) {
      const variant = asSeries(resolveVariant(design, null));
      for (const mode of ["idle", "busy"] as const) {
        if (interrupted?.()) throw new Interrupted();
        const r = runScenario({ variant, op: "delete", mode, pages, sptes, vcpus, check: false, budget, profile });
        out.push({ profile: profile.name, design, mode, finished: r.finished, latency: r.latency, longestHold: r.longestHold, vcpuWait: r.waits["vcpu"]?.max ?? 0 });
      }
    }
  }
  return out;
}

const METRICS: ReadonlyArray<[string, CostMode, (p: ProfilePoint) => number]> = [
  ["DELETE latency, idle", "idle", (p) => (p.finished ? p.latency : Infinity)],
  ["DELETE latency, busy", "busy", (p) => (p.finished ? p.latency : Infinity)],
  ["longest mmu_lock hold, idle", "idle", (p) => p.longestHold],
  ["longest vCPU wait, busy", "busy", (p) => (p.finished ? p.vcpuWait : Infinity)],
];

/** baseline / design as text: DNF where the design did not finish, "-" where it is 0 / 0. */
const ratioText = (base: number, design: number): string => (!Number.isFinite(design) ? "DNF" : design === 0 && base === 0 ? "-" : `${(base / design).toFixed(2)}x`);

export function profileText(points: readonly ProfilePoint[], designs: readonly string[], pages: number, sptes: number): string[] {
  const at = (profile: string, design: string, mode: CostMode) => points.find((p) => p.profile === profile && p.design === design && p.mode === mode)!;
  const rows: string[] = [];
  for (const design of designs.filter((d) => d !== "baseline")) {
    for (const [metric, mode, f] of METRICS) {
      const pairs = PROFILES.map((p) => [f(at(p.name, "baseline", mode)), f(at(p.name, design, mode))] as const);
      const ratios = pairs.map(([b, d]) => b / d);
      const known = ratios.filter((r) => !Number.isNaN(r));
      const verdict = known.length < ratios.length ? "undefined somewhere" : known.every((r) => r > 1) ? `${design} wins in every profile` : known.every((r) => r < 1) ? `baseline wins in every profile` : known.every((r) => r === 1) ? "even in every profile" : "**flips**";
      rows.push(`| \`${design}\` | ${metric} | ${pairs.map(([b, d]) => ratioText(b, d)).join(" | ")} | ${verdict} |`);
    }
  }
  return [
    `## Sensitivity to step costs (N = ${pages} pages of ${sptes} sptes)`,
    "",
    "Each profile charges every step by its kind (checker/cost/profiles.ts, with its sources):",
    "",
    ...PROFILES.map((p) => `- \`${p.name}\` (${p.unit}): ${p.source}.`),
    "",
    "Ratio baseline (3.10) / design: above 1 the design is faster (or holds, or makes vCPUs wait, less); DNF: the design did not finish (a livelock), so it loses.",
    "",
    `| design | metric | ${PROFILES.map((p) => `\`${p.name}\``).join(" | ")} | across profiles |`,
    `|---|---|${PROFILES.map(() => "---").join("|")}|---|`,
    ...rows,
  ];
}
