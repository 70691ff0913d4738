/**
 * npm run bench -- crosscheck: the exhaustive mode's reduction against plain
 * enumeration by behaviour class (--cross-check 2), on every scenario of both
 * subjects with one correct design each, under --preemptions 2 and all.
 * Writes the table between the crosscheck markers of docs/exhaustive.md.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { exhaustive, listing, loadScenario, resolveVariant, scenariosOf, SUBJECTS } from "../checker";

const K = 2;
/** Per run: plain enumeration's budget, and a wall-clock cap (the cell then says incomplete). */
const BUDGET = Number(process.env.BENCH_CROSS_EXECUTIONS ?? 200_000);
const MAX_SECONDS = Number(process.env.BENCH_CROSS_SECONDS ?? 300);
const f0 = (x: number) => Math.round(x).toLocaleString("en-US");

interface Row {
  subject: string;
  scenario: string;
  design: string;
  bound: string;
  verdict: string;
  reduced: number;
  plain: number;
  plainClasses: number;
  reducedClasses: number;
  missed: number | null;
  seconds: number;
}

function run(subjectName: string, design: string, scenario: string, preemptions: number | null, k = K, tso = false): Row {
  const subject = SUBJECTS.find((s) => s.name === subjectName)!;
  const t0 = Date.now();
  const s = exhaustive({ variant: resolveVariant(design, null, subject), scenario: loadScenario(scenario), preemptions, tso, maxSeconds: MAX_SECONDS, crossCheck: { bound: k, maxExecutions: BUDGET } }).summary;
  const c = s.crossCheck;
  return {
    subject: subjectName,
    scenario,
    design,
    bound: preemptions === null ? "all" : String(preemptions),
    verdict: s.verdict,
    reduced: s.exhaustive.executions,
    plain: c?.plainExecutions ?? 0,
    plainClasses: c?.plainClasses ?? 0,
    reducedClasses: c?.reducedClasses ?? 0,
    missed: c === undefined ? null : c.missed,
    seconds: (Date.now() - t0) / 1000,
  };
}

/** The first design of a subject with no known violation that can run the scenario (the set-up and the callers' rules). */
function designFor(subjectName: string): string[] {
  const subject = SUBJECTS.find((s) => s.name === subjectName)!;
  return listing(subject).designs.filter((d) => d.knownRace === null).map((d) => d.name);
}

/** Every scenario of both subjects at each bound, with the first correct design that runs it. */
function rowsAt(bounds: Array<number | null>, k: number, tso: boolean, log: (s: string) => void): Row[] {
  const rows: Row[] = [];
  for (const subject of SUBJECTS) {
    const designs = designFor(subject.name);
    for (const sc of scenariosOf(subject)) {
      for (const preemptions of bounds) {
        let row: Row | null = null;
        for (const d of designs) {
          try {
            row = run(subject.name, d, sc.name, preemptions, k, tso);
            break;
          } catch (e) {
            // A scenario this design cannot run (BadInput): the next correct design.
            if (!(e instanceof Error) || e.name !== "BadInput") throw e;
          }
        }
        if (row === null) continue;
        log(`[bench] crosscheck${tso ? " x86-TSO" : ""} ${row.subject} ${row.scenario} ${row.design} --preemptions ${row.bound}: ${row.verdict}, ${row.missed ?? "-"} missed, ${row.seconds.toFixed(1)} s`);
        rows.push(row);
      }
    }
  }
  return rows;
}

function table(rows: readonly Row[]): string[] {
  return [
    "| subject | scenario | design | --preemptions | verdict | reduced executions | plain executions | plain classes | reduced classes | missed | seconds |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.subject} | ${r.scenario} | \`${r.design}\` | ${r.bound} | ${r.verdict} | ${f0(r.reduced)} | ${f0(r.plain)} | ${f0(r.plainClasses)} | ${f0(r.reducedClasses)} | ${r.missed ?? "not run"} | ${r.seconds.toFixed(1)} |`),
  ];
}

function writeBlock(name: string, body: readonly string[]): void {
  const path = "docs/exhaustive.md";
  const text = readFileSync(path, "utf8");
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${path} lacks the markers ${begin} / ${end}`);
  writeFileSync(path, `${text.slice(0, a + begin.length)}\n${body.join("\n")}\n${text.slice(b)}`);
}

/**
 * npm run bench -- crosscheck-tso: the same under x86-TSO, at bound 1 with
 * --cross-check 1 (every store adds a commit event: plain enumeration within
 * 2 preemptions is out of reach on most scenarios).
 */
export function crossCheckTsoBench(log: (s: string) => void): void {
  const load = loadavg()[0]!;
  const rows = rowsAt([1], 1, true, log);
  const compared = rows.filter((r) => r.missed !== null && r.verdict !== "incomplete");
  const missed = rows.reduce((k, r) => k + (r.missed ?? 0), 0);
  writeBlock("crosscheck-tso", [
    `Measured by \`npm run bench -- crosscheck-tso\` on Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), load average ${load.toFixed(1)} at the start: each row is \`npx rmapcheck --exhaustive --tso [--subject S] --scenario NAME --design D --preemptions 1 --cross-check 1 --cross-check-executions ${f0(BUDGET)} --max-seconds ${MAX_SECONDS}\`.`,
    "",
    `Rows whose plain enumeration finished: ${compared.length} of ${rows.length}; missed behaviour classes over all rows: ${missed}.`,
    "",
    ...table(rows),
  ]);
}

export function crossCheckBench(log: (s: string) => void): void {
  const load = loadavg()[0]!;
  const rows = rowsAt([2, null], K, false, log);
  const compared = rows.filter((r) => r.missed !== null && r.verdict !== "incomplete");
  const missed = rows.reduce((k, r) => k + (r.missed ?? 0), 0);
  const body = [
    `Measured by \`npm run bench -- crosscheck\` on Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores), load average ${load.toFixed(1)} at the start: each row is \`npx rmapcheck --exhaustive [--subject S] --scenario NAME --design D --preemptions P --cross-check ${K} --cross-check-executions ${f0(BUDGET)} --max-seconds ${MAX_SECONDS}\`, D the first design of its subject with no known violation that runs the scenario.`,
    "",
    `Rows whose plain enumeration finished: ${compared.length} of ${rows.length}; missed behaviour classes over all rows: ${missed}.`,
    "",
    ...table(rows),
  ];
  writeBlock("crosscheck", body);
}
