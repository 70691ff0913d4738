/**
 * The --compare report as text (Markdown tables, readable in a terminal and on
 * GitHub): safety, the cost columns at one size, growth per 4x, a livelock's
 * cycle. Numbers only; nothing here reads a clock.
 */
import type { WaitStats } from "../cost/counters";
import type { CompareRequest, CompareRow, Cost } from "./compare";

const n0 = (x: number): string => Math.round(x).toLocaleString("en-US");
const wait = (w: WaitStats | null): string => (w === null ? "-" : `${n0(w.max)} / ${n0(w.mean)} (${n0(w.count)})`);
const ratio = (r: number | null): string => (r === null ? "-" : `x${r.toFixed(2)}`);

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

function safetyTable(q: CompareRequest, rows: CompareRow[]): string[] {
  return [
    `## Safety: the sampled check (seed ${q.seed}, ${q.scheduler}, ${q.sequences} sequences, up to ${n0(q.runs)} concurrent runs)`,
    "",
    ...(q.preemptions === null ? [] : [`*Exhaustive*: \`--exhaustive --scenario NAME --design D --preemptions ${q.preemptions}\` on every scenario of \`scenarios/\` of the series that the design can run (docs/exhaustive.md has the table at 2 preemptions).`, ""]),
    ...table(
      ["design", "verdict", "invariant", "counterexample (ops / steps / preemptions)", "runs", "checked atomic steps", "exhaustive"],
      rows.map((r) => {
        const s = r.safety;
        const cx = s.verdict === "pass" ? "-" : `${s.operations} / ${s.atomicSteps} / ${s.preemptions}`;
        return [`\`${r.design}\``, s.verdict === "pass" ? "pass" : "**violation**", s.invariant ?? "-", cx, n0(s.runs), n0(s.steps), s.exhaustive ?? "not run"];
      }),
    ),
  ];
}

const scenarioName = (c: Cost): string =>
  c.op === "delete"
    ? `memslot DELETE, ${c.mode === "idle" ? "idle vCPUs" : "vCPUs faulting in a loop + an MMU notifier"}`
    : c.op === "delete_reclaim"
      ? "memslot DELETE, then mmu_shrink until no obsolete page is left (the deferred reclaim), idle vCPUs, bare"
      : "kvm_arch_flush_shadow_all, idle vCPUs";

function costTable(q: CompareRequest, rows: CompareRow[], i: number): string[] {
  const first = rows[0]!.cost[i]!;
  return [
    `### ${scenarioName(first)} (N = ${n0(q.pages)} pages of ${q.sptes} sptes, ${q.vcpus} vCPUs)`,
    "",
    ...table(
      ["design", "latency", "longest hold", "total hold", "holds", "vCPU wait max / mean (n)", "notifier wait max / mean (n)", "rmap heads", "descs", "steps without mmu_lock", "obsolete pages left", "checked"],
      rows.map((r) => {
        const c = r.cost[i]!;
        const lat = c.finished ? n0(c.latency) : `did not finish (> ${n0(c.latency)})`;
        const checked = c.checked ? (c.violation === null ? "yes" : `yes: ${c.violation}`) : c.violation === null ? "bare" : `bare: ${c.violation}`;
        return [`\`${r.design}\``, lat, n0(c.longestHold), n0(c.totalHold), n0(c.holds), wait(c.vcpuWait), wait(c.notifierWait), n0(c.rmapHeadsTouched), n0(c.descsTouched), n0(c.unlockedSteps), n0(c.obsoleteLeft), checked];
      }),
    ),
  ];
}

function growthTable(q: CompareRequest, rows: CompareRow[]): string[] {
  const out: string[][] = [];
  for (const r of rows) for (const g of r.growth) out.push([`\`${r.design}\``, g.metric, g.values.map(n0).join(", "), g.ratios.map(ratio).join(", ")]);
  return [`## Growth: N = ${q.sizes.join(", ")} pages (each 4x the one before)`, "", "Ticks at each N, then the ratio from each N to the next (x4.00 is linear growth; - where a run did not finish).", "", ...table(["design", "metric", "values", "ratio per 4x"], out)];
}

/** The shortest prefix of xs that xs repeats a whole number of times. */
function shortestPeriod(xs: string[]): string[] {
  for (let p = 1; p < xs.length; p++) if (xs.length % p === 0 && xs.every((x, i) => x === xs[i % p])) return xs.slice(0, p);
  return xs;
}

function livelocks(rows: CompareRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.livelock === null) continue;
    const l = r.livelock;
    const own = shortestPeriod(l.cycle.filter((s) => s.thread === 0).map((s) => s.label));
    const others = new Map<number, number>();
    for (const s of l.cycle) if (s.thread !== 0) others.set(s.thread, (others.get(s.thread) ?? 0) + 1);
    out.push(
      `## Livelock: \`${r.design}\``,
      "",
      `The DELETE with vCPUs faulting did not finish within its step budget. From step ${n0(l.stem)} on the run is a cycle of ${l.cycle.length} steps.`,
      `In each turn the other threads take ${[...others].map(([t, k]) => `T${t}: ${k}`).join(", ")} steps (faults and agings that recreate the pages it zaps),`,
      `and the DELETE (T0) repeats these ${own.length} steps ${l.cycle.filter((s) => s.thread === 0).length / own.length} times:`,
      "",
      "```",
      ...own,
      "```",
      "",
    );
  }
  return out;
}

export function compareText(q: CompareRequest, rows: CompareRow[], checkerSteps: Array<{ pages: number; steps: number }>): string {
  return [
    ...safetyTable(q, rows),
    "",
    "## Cost in simulated time (ticks: one atomic step of one CPU)",
    "",
    ...rows[0]!.cost.map((_, i) => [...costTable(q, rows, i), ""]).flat(),
    ...growthTable(q, rows),
    "",
    ...livelocks(rows),
    `Checked atomic steps of the checker-cost runs (merged-3.11, busy DELETE) at N = ${checkerSteps.map((c) => `${n0(c.pages)}: ${n0(c.steps)}`).join(", ")}.`,
  ].join("\n");
}
