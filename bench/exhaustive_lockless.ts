/**
 * npm run bench -- exhaustive-lockless (also run by part "exhaustive"): the
 * lockless subject in the exhaustive mode at 2 preemptions, written between
 * the markers `bench:lockless-aging` of docs/exhaustive.md:
 *   - every scenario of `scenarios/` for every design
 *     (`npx rmapcheck --exhaustive --subject lockless-aging --scenario NAME --design D --preemptions 2`);
 *   - every mutant against every scenario (`--mutant M` instead of `--design D`),
 *     one row per mutant: on how many scenarios it is shown, the fewest
 *     preemptions that show it and where, the invariants named.
 * The doc is rewritten after each row, so an interrupted run keeps its rows and
 * says it did not finish.
 */
import { cpus, loadavg } from "node:os";
import { listing, scenariosOf, SUBJECTS } from "../checker";
import { exhaustiveRun, replaceBetween, verdictCell } from "./exhaustive_run";

type Log = (s: string) => void;

const BOUND = 2;
const DOC = "docs/exhaustive.md";
const MARKER = "bench:lockless-aging";
const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const f2 = (x: number) => x.toFixed(2);

/** A cell: "n/a" when the design refuses the scenario (BadInput), else the verdict. */
function cell(run: () => ReturnType<typeof exhaustiveRun>): { text: string; run: ReturnType<typeof exhaustiveRun> | null } {
  try {
    const r = run();
    return { text: verdictCell(r.s), run: r };
  } catch (e) {
    if ((e as Error).name === "BadInput") return { text: "n/a", run: null };
    throw e;
  }
}

export function locklessExhaustiveBench(log: Log): void {
  const subject = SUBJECTS.find((x) => x.name === "lockless-aging")!;
  const scenarios = scenariosOf(subject).map((s) => s.name);
  const designs = listing(subject).designs.map((d) => d.name);
  const t0 = Date.now();
  const head = [
    `Written by \`npm run bench -- exhaustive-lockless\` (bench/exhaustive_lockless.ts) on Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), load average ${f2(loadavg()[0]!)} at the start: ${scenarios.length} scenarios, ${designs.length} designs, ${subject.mutants.length} mutants.`,
    "",
    `### Every lockless scenario, every design, at most ${BOUND} preemptions`,
    "",
    `\`--exhaustive --subject lockless-aging --scenario NAME --design D --preemptions ${BOUND}\`. *n/a*: the design does not run that scenario (an unaligned aging range, which the known callers never deliver and the design assumes). A cell: the verdict, executions, seconds.`,
    "",
    `| scenario | ${designs.map((d) => `\`${d}\``).join(" | ")} |`,
    `|---|${designs.map(() => "---").join("|")}|`,
  ];
  const lines = [...head];
  const progress = () => replaceBetween(DOC, MARKER, [...lines, "", "(the bench is still running: rows so far)"]);
  progress();
  /** Per design, the scenarios on which the design itself (no mutant) has a violation at the bound. */
  const designViolated = new Map<string, Set<string>>(designs.map((d) => [d, new Set<string>()]));
  for (const name of scenarios) {
    const cells = designs.map((d) => {
      log(`[bench] exhaustive-lockless: scenario ${name} / ${d}`);
      const c = cell(() => exhaustiveRun(name, d, null, BOUND, subject));
      if (c.run?.s.verdict === "violation") designViolated.get(d)!.add(name);
      return c.run === null ? c.text : `${c.text}, ${f0(c.run.s.exhaustive.executions)} ex., ${f2(c.run.seconds)} s`;
    });
    lines.push(`| \`${name}\` | ${cells.join(" | ")} |`);
    progress();
  }
  lines.push(
    "",
    `### Every lockless mutant against every scenario, at most ${BOUND} preemptions`,
    "",
    `\`--exhaustive --subject lockless-aging --scenario NAME --mutant M --preemptions ${BOUND}\` for each of the ${scenarios.length} scenarios, each mutant on its own design. *Design's own*: scenarios on which the mutant's design without the mutant already has a violation (a kernel finding, e.g. L5 and L6 for the merged code): not counted for the mutant, whose bug they do not show. *Shown on*: the other scenarios with a violation (a violation in the set-up counts, as 0 preemptions); the rest are verified (the scenario lacks what the bug needs: an operation, a list shape, a configuration), *n/a* (the design does not run it) or incomplete (the cap, BENCH_EXHAUSTIVE_SECONDS). *Fewest*: the fewest preemptions over the scenarios it is shown on, with the first such scenario (in \`scenarios/\` order) and the violation there.`,
    "",
    "| mutant | shown on | fewest | where | invariants | verified on | design's own | n/a | incomplete |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  let shown = 0;
  let needPreemption = 0;
  for (const m of subject.mutants) {
    const hits: Array<{ scenario: string; preemptions: number; text: string; invariant: string }> = [];
    let verified = 0;
    let na = 0;
    let incomplete = 0;
    let own = 0;
    const base = designViolated.get(m.design) ?? new Set<string>();
    for (const name of scenarios) {
      if (base.has(name)) {
        own++;
        continue;
      }
      log(`[bench] exhaustive-lockless: mutant ${m.name} / ${name}`);
      const c = cell(() => exhaustiveRun(name, null, m.name, BOUND, subject));
      if (c.run === null) na++;
      else if (c.run.s.verdict === "violation") {
        const v = c.run.s.violation!;
        hits.push({ scenario: name, preemptions: c.text.includes("set-up") ? 0 : v.preemptions, text: c.text, invariant: v.invariant });
      } else if (c.run.s.verdict === "verified") verified++;
      else incomplete++;
    }
    const best = hits.reduce<(typeof hits)[number] | null>((a, h) => (a === null || h.preemptions < a.preemptions ? h : a), null);
    if (best !== null) {
      shown++;
      if (best.preemptions >= 1) needPreemption++;
    }
    const invariants = [...new Set(hits.map((h) => h.invariant))].sort().join(", ");
    lines.push(
      `| \`${m.name}\` | ${hits.length} of ${scenarios.length} | ${best === null ? "-" : best.preemptions} | ${best === null ? "-" : `\`${best.scenario}\`: ${best.text}`} | ${invariants || "-"} | ${verified} | ${own} | ${na} | ${incomplete} |`,
    );
    progress();
  }
  lines.push(
    "",
    `${shown} of ${subject.mutants.length} mutants shown by at least one scenario; ${needPreemption} of them need at least one preemption on every scenario that shows them.`,
    "",
    `Bench time ${f0((Date.now() - t0) / 1000)} s; load average ${f2(loadavg()[0]!)} at the end (other work on the machine slows the wall-clock figures).`,
  );
  replaceBetween(DOC, MARKER, lines);
}
