/**
 * `npm run bench -- profile`: where the time goes. Three CPU profiles (node --cpu-prof, written
 * to reports/profiles/, which git ignores; open them in Chrome DevTools or speedscope for the
 * flame graphs), each summarised as the share of its samples spent inside named parts:
 *   - sampled: `rmapcheck --design v3-fixed --runs 20000` (the job's worker thread);
 *   - exhaustive: `rmapcheck --exhaustive --scenario unmap-two-descs --design v3-fixed`, its
 *     first 12,000 executions;
 *   - a batch: every scenario of both subjects, each at most 1 preemption (the size of a sweep's
 *     step), in one process (bench/speed_child.cjs batch).
 * Shares are inclusive (a part's callees count in it), so indented rows are inside the row above;
 * a sample inside two rows of one level (a checker called while the set-up runs) counts in both.
 * Sampling is by wall clock on a shared machine: shares, not seconds, are the figures.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

type Log = (s: string) => void;

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = resolve(__dirname, "..");
const OUT = join(ROOT, "reports", "profiles");

/**
 * A part: a function name, optionally @ a piece of its file's URL; or a piece of a URL alone ("url:").
 * "self:" before either matches the sample's own (innermost) frame only.
 */
const PARTS: Array<[string, string[]]> = [
  ["generating traces (fast-check)", ["generate@fast-check"]],
  ["building a run: world, threads, checker", ["buildSeriesTrace", "buildLocklessTrace"]],
  ["the set-up, run alone", ["setup@trace_build"]],
  ["restoring the set-up's snapshot (exhaustive mode)", ["restore@runtime/exhaustive/heap_snapshot"]],
  ["the interleaved phase (runThreads)", ["runThreads@runtime/run"]],
  ["  resuming the threads' generators (kernel code, impl/)", ["advance@runtime/machine"]],
  ["  the step checker and observers after each step", ["afterStep"]],
  ["  performing the step on simulated memory", ["perform@runtime/machine"]],
  ["  which threads can run", ["runnableThreads@runtime/machine"]],
  ["  the scheduler's choice", ["pick@runtime/schedulers", "pick@runtime/exhaustive"]],
  ["  making step objects (a step's fn is split off its label only when read)", ["mkStep@runtime/step"]],
  ["  the checks at quiescence", ["atQuiescence"]],
  ["DPOR: footprints, happens-before, races, backtracking", ["url:runtime/exhaustive/footprint", "url:runtime/exhaustive/happens_before", "url:runtime/exhaustive/races", "url:runtime/exhaustive/path_scheduler", "url:runtime/exhaustive/node", "url:runtime/exhaustive/engine_resources"]],
  ["garbage collection", ["(garbage collector)"]],
  ["loading and compiling modules (the sample's own frame)", ["self:url:node:internal/modules", "self:wrapSafe", "self:compileForInternalLoader"]],
];

function matches(pattern: string, f: { functionName: string; url: string }): boolean {
  if (pattern.startsWith("url:")) return f.url.includes(pattern.slice(4));
  const [name, url] = pattern.split("@") as [string, string | undefined];
  return f.functionName === name && (url === undefined || f.url.includes(url));
}

/** Inclusive share of the non-idle samples in each part (labels and shares in the same order). */
export function summarise(p: CpuProfile): { totalMs: number; labels: string[]; shares: number[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const acc = PARTS.map(() => 0);
  let total = 0;
  for (const [id, t] of self) {
    if (byId.get(id)!.callFrame.functionName === "(idle)") continue;
    total += t;
    const hit = new Set<number>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const leaf = at === id;
      PARTS.forEach(([, pats], k) => {
        if (!hit.has(k) && pats.some((x) => (x.startsWith("self:") ? leaf && matches(x.slice(5), f) : matches(x, f)))) hit.add(k);
      });
    }
    for (const k of hit) acc[k]! += t;
  }
  return { totalMs: total / 1000, labels: PARTS.map(([l]) => l.trim()), shares: acc.map((a) => (total === 0 ? 0 : a / total)) };
}

/** Run `args` under node --cpu-prof into OUT/name; the profile of the thread that did the most. */
function profile(name: string, args: string[], log: Log): CpuProfile {
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`[bench] profile: ${name}`);
  try {
    execFileSync(process.execPath, ["--cpu-prof", "--cpu-prof-dir", dir, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  } catch (e) {
    // Exit 4: an exhaustive run cut short by --max-executions (incomplete); its profile is written all the same.
    if ((e as { status?: number }).status !== 4) throw e;
  }
  const files = readdirSync(dir).map((f) => join(dir, f));
  const biggest = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  return JSON.parse(readFileSync(biggest, "utf8")) as CpuProfile;
}

export function profilePart(log: Log): string[] {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("profile: build first (npm run build)");
  const cli = join(ROOT, "dist", "cli", "main.js");
  const runs = [
    { name: "sampled", what: "`--design v3-fixed --runs 20000`", args: [cli, "--design", "v3-fixed", "--runs", "20000", "--json", "--out", join(OUT, "cx")] },
    { name: "exhaustive", what: "`--exhaustive --scenario unmap-two-descs --design v3-fixed`, 12,000 executions", args: [cli, "--exhaustive", "--scenario", "unmap-two-descs", "--design", "v3-fixed", "--max-executions", "12000", "--json"] },
    { name: "batch", what: "every scenario of both subjects, at most 1 preemption", args: [join(__dirname, "speed_child.cjs"), ROOT, "batch"] },
  ];
  const sums = runs.map((r) => summarise(profile(r.name, r.args, log)));
  const pct = (x: number) => (x < 0.0005 ? "-" : `${(x * 100).toFixed(1)}%`);
  return [
    "## Where the time goes",
    "",
    "Written by `npm run bench -- profile` (bench/profile.ts): three runs under `node --cpu-prof` (the profiles are left in reports/profiles/, not committed; open them in Chrome DevTools or speedscope for flame graphs). Shares of the profiled thread's non-idle samples spent inside each part, inclusive: an indented row is part of the row above, and a sample inside two rows of one level counts in both. Sampling is by wall clock on a shared machine, so the shares, not the seconds, are the figures.",
    "",
    `| part | ${runs.map((r) => `${r.name}: ${r.what}`).join(" | ")} |`,
    `|---|${runs.map(() => "---").join("|")}|`,
    ...PARTS.map(([label], k) => `| ${label.startsWith("  ") ? `&nbsp;&nbsp;${label.trim()}` : label} | ${sums.map((s) => pct(s.shares[k]!)).join(" | ")} |`),
    `| profiled samples (ms, wall clock) | ${sums.map((s) => Math.round(s.totalMs).toLocaleString("en-US")).join(" | ")} |`,
  ];
}
