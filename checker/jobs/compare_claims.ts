/**
 * The statements docs/findings.md makes about --compare's map and step-cost
 * profiles, each with the test that makes it true: the bench writes every
 * statement with the counts it rests on, and a statement the fresh output no
 * longer supports is written as such ("**no longer holds**"), never dropped
 * or kept silently. Pure functions of a CompareOutput.
 */
import type { CompareOutput } from "./compare";
import { PROFILES } from "../cost/profiles";
import type { Crossover, SweepMetric, SweepPoint } from "./compare_sweep";
import { axesVerdicts } from "./compare_axes";

interface Claim {
  text: string;
  /** Whether the output supports it, and the counts it rests on (or shows instead). */
  holds: (out: CompareOutput) => { ok: boolean; evidence: string };
}

const cross = (out: CompareOutput, a: string, b: string, metric: SweepMetric): Crossover | undefined =>
  out.sweep?.crossovers.find((c) => c.metric === metric && ((c.a === a && c.b === b) || (c.a === b && c.b === a)));

/** `who` wins at every point where the parameter is `value`: that region, and how many points it covers. */
function alwaysAt(out: CompareOutput, who: string, other: string, metric: SweepMetric, dim: keyof SweepPoint, value: string | number): { ok: boolean; evidence: string } {
  const points = (out.sweep?.points ?? []).filter((p) => p[dim] === value);
  const mine = points.filter((p) => p.design === who);
  const key = (p: SweepPoint): string => `${p.share}|${p.slotScale}|${p.sptes}|${p.mode}|${p.preemption}`;
  const theirs = new Map(points.filter((p) => p.design === other).map((p) => [key(p), p]));
  const v = (p: SweepPoint): number => (!p.finished && metric !== "longestHold" ? Infinity : p[metric]);
  const relevant = mine.filter((p) => metric !== "vcpuWait" || p.mode === "busy");
  const wins = relevant.filter((p) => v(p) < v(theirs.get(key(p))!)).length;
  const name = (d: string): string => (d === "baseline" ? "3.10" : d);
  return { ok: relevant.length > 0 && wins === relevant.length, evidence: `${name(who)} against ${name(other)} at ${String(dim) === "slotScale" ? "slot/mapped" : String(dim)} ${value}: ${wins} of ${relevant.length} points` };
}

function winsEverywhere(out: CompareOutput, who: string, metric: SweepMetric): { ok: boolean; evidence: string } {
  const cs = (out.sweep?.crossovers ?? []).filter((c) => c.metric === metric && (c.a === who || c.b === who));
  const won = cs.filter((c) => (c.a === who ? c.aWins : c.bWins) === c.points);
  return { ok: cs.length > 0 && won.length === cs.length, evidence: `against ${won.length} of ${cs.length} designs at every point` };
}

const both = (...xs: Array<{ ok: boolean; evidence: string }>): { ok: boolean; evidence: string } => ({ ok: xs.every((x) => x.ok), evidence: xs.map((x) => x.evidence).join("; ") });

export const MAP_CLAIMS: readonly Claim[] = [
  {
    text: "On DELETE latency, neither `v3-fixed` nor 3.10 wins everywhere. 3.10 wins at every point where every page is over the deleted slot; `v3-fixed` wins at every point where 1/8 of them is",
    holds: (out) => {
      const c = cross(out, "baseline", "v3-fixed", "latency");
      const split = { ok: c !== undefined && c.aWins > 0 && c.bWins > 0, evidence: c === undefined ? "no pair" : `3.10 wins ${c.a === "baseline" ? c.aWins : c.bWins}, v3-fixed ${c.a === "baseline" ? c.bWins : c.aWins} of ${c.points}` };
      return both(split, alwaysAt(out, "baseline", "v3-fixed", "latency", "share", 1), alwaysAt(out, "v3-fixed", "baseline", "latency", "share", 0.125));
    },
  },
  { text: "On the longest `mmu_lock` hold, `v3-fixed` wins against every other design at every point", holds: (out) => winsEverywhere(out, "v3-fixed", "longestHold") },
  { text: "On the longest vCPU wait, `v3-fixed` wins against every other design at every point", holds: (out) => winsEverywhere(out, "v3-fixed", "vcpuWait") },
  {
    text: "Against 3.10 on the longest vCPU wait, 3.11 wins at every point with `CONFIG_PREEMPT` and loses at every point without it: its lock-break helps vCPUs only in a preemptible kernel",
    holds: (out) => both(alwaysAt(out, "merged-3.11", "baseline", "vcpuWait", "preemption", "preempt"), alwaysAt(out, "baseline", "merged-3.11", "vcpuWait", "preemption", "none")),
  },
  {
    text: "The 2019 design did not finish at exactly the busy points with `CONFIG_PREEMPT` (the livelock), and finished everywhere else",
    holds: (out) => {
      const ps = (out.sweep?.points ?? []).filter((p) => p.design === "zap-all-2019");
      const busyPreempt = ps.filter((p) => p.mode === "busy" && p.preemption === "preempt");
      const ok = ps.length > 0 && busyPreempt.every((p) => !p.finished) && ps.filter((p) => !(p.mode === "busy" && p.preemption === "preempt")).every((p) => p.finished);
      return { ok, evidence: `${ps.filter((p) => !p.finished).length} of ${ps.length} points did not finish, ${busyPreempt.length} busy with CONFIG_PREEMPT` };
    },
  },
  {
    text: "On DELETE latency, `zap-roots-v1-track` beats 3.10 and 3.11 at every point where each slot is as large as, or twice, what is mapped, and loses to both at every point where each slot is eight times what is mapped: the memset of every head is its cost",
    holds: (out) => both(
      ...["baseline", "merged-3.11"].flatMap((o) => [1, 2].map((k) => alwaysAt(out, "zap-roots-v1-track", o, "latency", "slotScale", k))),
      ...["baseline", "merged-3.11"].map((o) => alwaysAt(out, o, "zap-roots-v1-track", "latency", "slotScale", 8)),
    ),
  },
];

/** The profiles' statement: no ordering against 3.10 flips, and how far the ratios move. */
export function profileClaim(out: CompareOutput): string {
  if (out.profiles.length === 0) return "The step-cost profiles were not run.";
  const designs = out.request.designs.filter((d) => d !== "baseline");
  const at = (profile: string, design: string, mode: string) => out.profiles.find((p) => p.profile === profile && p.design === design && p.mode === mode);
  const metrics: Array<[string, "idle" | "busy", (p: CompareOutput["profiles"][number]) => number]> = [
    ["latency, idle", "idle", (p) => (p.finished ? p.latency : Infinity)],
    ["latency, busy", "busy", (p) => (p.finished ? p.latency : Infinity)],
    ["longest hold", "idle", (p) => p.longestHold],
    ["longest vCPU wait", "busy", (p) => (p.finished ? p.vcpuWait : Infinity)],
  ];
  let flips = 0;
  let spread = 1;
  let spreadAt = "";
  for (const d of designs) {
    for (const [name, mode, f] of metrics) {
      const ratios = PROFILES.flatMap((p) => {
        const [b, x] = [at(p.name, "baseline", mode), at(p.name, d, mode)];
        return b === undefined || x === undefined ? [] : [f(b) / f(x)];
      }).filter((r) => Number.isFinite(r) && r > 0);
      if (ratios.some((r) => r > 1) && ratios.some((r) => r < 1)) flips++;
      if (ratios.length > 1) {
        const s = Math.max(...ratios) / Math.min(...ratios);
        if (s > spread) [spread, spreadAt] = [s, `\`${d}\`, ${name}`];
      }
    }
  }
  const n = out.request.pages.toLocaleString("en-US");
  return `At N = ${n}, under the ${PROFILES.length} profiles (${PROFILES.map((p) => `\`${p.name}\``).join(", ")}), ${flips === 0 ? "no ordering of a design against 3.10 flips" : `${flips} ordering${flips === 1 ? "" : "s"} of a design against 3.10 flip${flips === 1 ? "s" : ""}`} on the ${metrics.length} metrics. The ratio baseline / design moves by up to ${spread.toFixed(0)}x between profiles (${spreadAt}).`;
}

/** What changes with N and with the notifier load, against 3.10 (compare_axes.ts). */
export function axesClaim(out: CompareOutput): string {
  if (out.sweep === null) return "The map's N and notifier axes were not run (--no-sweep).";
  const q = out.request.axes;
  const v = axesVerdicts(q, out.sweep.axes);
  const along = (axis: string): string => {
    const hit = v.filter((x) => x.changesWith.includes(axis));
    return hit.length === 0 ? `no winner against 3.10 changes with ${axis === "N" ? "N" : "the notifier load"} on any metric` : `${axis === "N" ? "N" : "the notifier load"} changes the winner against 3.10 for ${hit.map((x) => `\`${x.design}\` (${x.metric})`).join(", ")}`;
  };
  const pts = out.sweep.axes;
  const at = (d: string, pages: number, notifier: boolean) => pts.find((p) => p.design === d && p.pages === pages && p.notifier === notifier && p.preemption === q.preemptions[0]);
  const ratios = q.designs.filter((d) => d !== "baseline").map((d) => {
    const rs = q.pages.map((n) => {
      const [b, x] = [at("baseline", n, true), at(d, n, true)];
      return b === undefined || x === undefined ? "-" : !x.finished ? "DNF" : `${(b.latency / x.latency).toFixed(2)}x`;
    });
    return `\`${d}\` ${rs.join(", ")}`;
  });
  let most = 0;
  for (const p of pts.filter((x) => x.notifier && x.finished)) {
    const off = pts.find((x) => x.design === p.design && x.pages === p.pages && !x.notifier && x.preemption === p.preemption);
    if (off?.finished) most = Math.max(most, Math.abs(p.latency - off.latency) / off.latency);
  }
  return `**N and the notifier load** (\`docs/compare.md\`, "N and the notifier load": the busy DELETE at N = ${q.pages.join(", ")}, with and without an MMU notifier, both preemption models, S = ${q.sptes}, half the pages over the deleted slot): ${along("N")}; ${along("notifier")}. DELETE latency, 3.10 / design, at N = ${q.pages.join(", ")} (with the notifier, ${q.preemptions[0] === "preempt" ? "CONFIG_PREEMPT" : "no preemption"}): ${ratios.join("; ")}. The notifier changes a finished DELETE's latency by at most ${(most * 100).toFixed(1)}%.`;
}

/** The lines of the block `compare:claims`. */
export function claimLines(out: CompareOutput): string[] {
  const lines = MAP_CLAIMS.map((c) => {
    const r = c.holds(out);
    return r.ok ? `* ${c.text} (${r.evidence}).` : `* **No longer holds** (the fresh map shows: ${r.evidence}): ${c.text}.`;
  });
  return ["Its crossover table supports these statements (each checked by `npm run bench -- compare` against the fresh map, with the points it rests on):", ...lines, "", axesClaim(out), "", `**Step costs.** ${profileClaim(out)}`];
}

/** A reading of the comparison table (docs/findings.md, compare:table) that the prose makes: its check, and the figures it rests on. */
function tableCheck(out: CompareOutput, test: (c: (d: string, op: string) => { latency: number; longestHold: number; totalHold: number } | undefined) => { ok: boolean; evidence: string }): string[] {
  const at = (d: string, op: string) => out.rows.find((r) => r.design === d)?.cost.find((c) => c.op === op && c.mode === "idle" && c.finished);
  const r = test(at);
  return [r.ok ? `(in the table: ${r.evidence})` : `(**no longer holds** in the table: ${r.evidence})`];
}

const n0 = (x: number): string => Math.round(x).toLocaleString("en-US");

/** "zap-roots-v1-track's DELETE is shorter than 3.10's, and its longest hold is its whole DELETE". */
export const zapRootsTrackCheck = (out: CompareOutput): string[] =>
  tableCheck(out, (at) => {
    const [t, b] = [at("zap-roots-v1-track", "delete"), at("baseline", "delete")];
    if (t === undefined || b === undefined) return { ok: false, evidence: "no finished idle DELETE" };
    return { ok: t.latency < b.latency && t.longestHold >= 0.99 * t.latency, evidence: `idle DELETE latency ${n0(t.latency)} against 3.10's ${n0(b.latency)}, longest hold ${n0(t.longestHold)}` };
  });

/** "With the reclaim counted, v3's DELETE is slower than 3.10's; its total hold stays below 3.10's". */
export const reclaimCheck = (out: CompareOutput): string[] =>
  tableCheck(out, (at) => {
    const [v, b] = [at("v3-fixed", "delete_reclaim"), at("baseline", "delete")];
    if (v === undefined || b === undefined) return { ok: false, evidence: "no finished DELETE + reclaim" };
    return { ok: v.latency > b.latency && v.totalHold < b.totalHold, evidence: `v3-fixed's DELETE + reclaim ${n0(v.latency)} against 3.10's DELETE ${n0(b.latency)}; total holds ${n0(v.totalHold)} and ${n0(b.totalHold)}` };
  });
