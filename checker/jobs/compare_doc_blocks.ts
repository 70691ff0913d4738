/**
 * The generated blocks of docs/findings.md and docs/compare.md (markers:
 * checker/doc_markers.ts). Each block is the output of a command the block
 * names; `cheap` blocks take seconds and are checked against a fresh run by
 * properties/doc_numbers.test.ts in CI; the others come from --compare and
 * are rewritten by `npm run bench -- compare` (bench/compare.ts).
 */
import { resolveVariant } from "../variants";
import { check, DEFAULT_CHECK, type Summary } from "./check";
import type { CompareOutput } from "./compare";

export interface DocBlockSpec {
  file: string;
  name: string;
  /** The command whose output the block is. */
  command: string;
  /** Cheap (seconds): CI checks it against a fresh run. Otherwise only the bench writes it. */
  cheap: boolean;
}

const n0 = (x: number): string => Math.round(x).toLocaleString("en-US");
const plural = (k: number, what: string): string => `${n0(k)} ${what}${k === 1 ? "" : "s"}`;

/** One line: the verdict of `npx rmapcheck --design NAME` (seed 1, the default budget), with what it rests on. */
export function verdictLine(s: Summary): string {
  const cmd = `\`npx rmapcheck --design ${s.design}\``;
  const v = s.violation;
  if (v === null) return `${cmd}: **pass**, ${s.restsOn}.`;
  const when = `found by the ${v.phase} phase`;
  return `${cmd}: **violation** of ${v.invariant}, ${when}; counterexample of ${plural(v.operations, "operation")}, ${plural(v.atomicSteps, "atomic step")}, ${plural(v.preemptions, "preemption")}.`;
}

/** The cheap verdict blocks: `verdict:DESIGN` in docs/findings.md. */
export const VERDICT_BLOCK_DESIGNS = ["zap-roots-v1", "zap-roots-v1-track", "zap-all-2019"] as const;

export function verdictBlock(design: string): string[] {
  return [verdictLine(check({ ...DEFAULT_CHECK, variant: resolveVariant(design, null) }).summary)];
}

export const DOC_BLOCKS: readonly DocBlockSpec[] = [
  ...VERDICT_BLOCK_DESIGNS.map((d) => ({ file: "docs/findings.md", name: `verdict:${d}`, command: `npx rmapcheck --design ${d}`, cheap: true })),
  { file: "docs/findings.md", name: "compare:table", command: "npm run bench -- compare (npx rmapcheck --compare --runs 20000)", cheap: false },
];

/** A cheap block's lines, from a fresh run. */
export function cheapBlock(name: string): string[] {
  const m = /^verdict:(.+)$/.exec(name);
  if (m === null) throw new Error(`no cheap block ${name}`);
  return verdictBlock(m[1]!);
}

/** docs/findings.md's comparison table at N = request.pages, from a --compare run. */
export function findingsCompareTable(out: CompareOutput): string[] {
  const q = out.request;
  const at = (d: string, op: string, mode: string) => out.rows.find((r) => r.design === d)?.cost.find((c) => c.op === op && c.mode === mode);
  const designs = out.rows.map((r) => r.design);
  const cell = (d: string, op: string, mode: string, f: (c: NonNullable<ReturnType<typeof at>>) => string): string => {
    const c = at(d, op, mode);
    if (c === undefined) return "-";
    return c.finished ? f(c) : `did not finish (> ${n0(c.latency)})`;
  };
  const row = (label: string, f: (d: string) => string): string => `| ${label} | ${designs.map(f).join(" | ")} |`;
  const safety = (d: string): string => {
    const s = out.rows.find((r) => r.design === d)!.safety;
    return s.verdict === "pass" ? "pass" : `**${s.invariant}**`;
  };
  return [
    `At N = ${n0(q.pages)} shadow pages of S = ${q.sptes} sptes, half over the deleted slot, slots exactly as large as what is mapped, ${q.vcpus} vCPUs; ticks of simulated time, every step one tick; \`cond_resched_lock\` always drops the lock. Written by \`npm run bench -- compare\` (the same as \`npx rmapcheck --compare --runs ${q.runs}\`); safety: seed ${q.seed}, ${q.scheduler}, up to ${n0(q.runs)} concurrent runs.`,
    "",
    `| | ${designs.map((d) => `\`${d}\``).join(" | ")} |`,
    `|---|${designs.map(() => "---").join("|")}|`,
    row("safety (sampled check)", safety),
    row("DELETE latency, idle", (d) => cell(d, "delete", "idle", (c) => n0(c.latency))),
    row("DELETE latency, vCPUs faulting", (d) => cell(d, "delete", "busy", (c) => n0(c.latency))),
    row("longest `mmu_lock` hold, DELETE idle", (d) => cell(d, "delete", "idle", (c) => n0(c.longestHold))),
    row("longest vCPU wait for `mmu_lock`, DELETE busy", (d) => cell(d, "delete", "busy", (c) => n0(c.vcpuWait?.max ?? 0))),
    row("rmap heads touched, DELETE idle", (d) => cell(d, "delete", "idle", (c) => n0(c.rmapHeadsTouched))),
    row("pages left obsolete for `mmu_shrink`", (d) => cell(d, "delete", "idle", (c) => n0(c.obsoleteLeft))),
    row("DELETE + `mmu_shrink` reclaiming them: latency", (d) => cell(d, "delete_reclaim", "idle", (c) => n0(c.latency))),
    row("DELETE + reclaim: total `mmu_lock` hold", (d) => cell(d, "delete_reclaim", "idle", (c) => n0(c.totalHold))),
    row("`kvm_arch_flush_shadow_all` latency, idle", (d) => cell(d, "flush_all", "idle", (c) => n0(c.latency))),
  ];
}
