/**
 * The command line as commander declares it: every option with its help
 * text, default and an example. Values are parsed here (whole numbers,
 * declared choices, an option given twice is refused); which options a mode
 * accepts, and the names of designs and mutants, are checked in options.ts.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { parseSeeds } from "./seeds";
import { DEFAULT_CHECK, DEFAULT_COMPARE, designNames, mutantNames, scenarioNames, subjectNames } from "../checker";

/** A value option given twice is refused, not silently overwritten. */
function once<T>(parse: (v: string) => T): (v: string, previous: T | undefined) => T {
  return (v, previous) => {
    if (previous !== undefined) throw new InvalidArgumentError("given twice; give it once");
    return parse(v);
  };
}

function whole(min: number, max: number): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}, got "${v}"`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`must be from ${min} to ${max}, got ${n}`);
    return n;
  };
}

const text = (v: string): string => v;

/** --seeds a..b (or a-b). */
function seedRange(v: string): [number, number] {
  const r = parseSeeds(v);
  if (r === null) throw new InvalidArgumentError(`must be a..b (or a-b), whole numbers with a <= b and at most 10,000 seeds, got "${v}"`);
  return r;
}

/** --preemptions: a whole number, or "all" (no bound). */
function bound(v: string): number | "all" {
  return v === "all" ? "all" : whole(0, 1000)(v);
}

/** --shard i/n with 1 <= i <= n. */
function shard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count || count > 1_000_000) throw new InvalidArgumentError(`must be i/n with 1 <= i <= n, got "${v}"`);
  return { index, count };
}

function wholeList(min: number, max: number): (v: string) => number[] {
  return (v) => v.split(",").map((x) => whole(min, max)(x.trim()));
}

export const DEFAULTS = { ...DEFAULT_CHECK, out: "counterexamples" } as const;

const EXAMPLES = `
Examples:
  rmapcheck                                  check the v3 series as specified (seed 1 finds race F1;
                                             --design v3-fix1-only shows F2)
  rmapcheck --design v3-fixed --seed 7       check the corrected series with seed 7
  rmapcheck --mutant no-backfill             check one catalogued mutant (on its own design)
  rmapcheck --mutants --json                 the whole mutant catalogue, as JSON (each by the sampled
                                             search and the exhaustive mode on its scenario)
  rmapcheck --seeds 1..20                    one check per seed: verdicts and detection rate
  rmapcheck --runs 100000 --workers 4        the concurrent runs on 4 threads: the same output
  rmapcheck --subject lockless-aging         the second subject: lockless rmap aging (Linux 6.15)
  rmapcheck --replay counterexamples/F.json  replay a saved counterexample exactly
  rmapcheck --list                           designs and mutants of a subject
  rmapcheck --compare --sizes 16,64,256 --pages 64   v3 against the design merged in 3.11
  rmapcheck --exhaustive --tso --scenario unmap-direct --mutant handshake-no-mb
                                             the store-buffer bug, every x86-TSO schedule
  rmapcheck --exhaustive --scenario unmap-two-descs --design v3-fixed
                                             every schedule with at most 2 preemptions
  rmapcheck --exhaustive --replay F.json --design v3-fixed   a counterexample's scenario, every schedule
  rmapcheck sweep --scope series-s1 --design v3-fixed    every scenario of a scope (rmapcheck sweep --help)

Exit status: 0 no violation (--exhaustive: verified within the bound), 1 a
violation (found or replayed), 2 bad input (a bad option, an unknown name, a
malformed or diverging file, an unusable --out), 3 an internal error of
rmapcheck, 4 incomplete (--exhaustive: a budget ran out, or one shard of
several; no verdict), 130 interrupted by SIGINT, 143 by SIGTERM.
Through npm, put options after --: npm start -- --seed 7.`;

export function program(version: string): Command {
  const p = new Command("rmapcheck")
    .description("Check the KVM x86 MMU rmap layer: a reference model beside a kernel-faithful implementation, under generated concurrent traces.")
    .version(version, "-V, --version")
    .helpOption("-h, --help", "this text")
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) });
  const add = (o: Option) => p.addOption(o);
  add(new Option("--subject <name>", `the kernel code to check: ${subjectNames().join(", ")} (default: ${subjectNames()[0]})`).argParser(once(text)));
  add(new Option("--design <name>", `the design to check (default: v3; with --mutant, the mutant's own design); series: ${designNames().join(", ")}`).argParser(once(text)));
  add(new Option("--mutant <name>", `check one catalogued mutant (${mutantNames().length} in the series; --list shows them)`).argParser(once(text)));
  add(new Option("--seed <n>", `seed of the search; the same seed and options give the same output (default: ${DEFAULTS.seed})`).argParser(once(whole(0, 2 ** 31 - 1))));
  add(new Option("--seeds <a..b>", "run the check once per seed from a to b (also a-b) and print each seed's verdict and the detection rate").argParser(once(seedRange)));
  add(new Option("--runs <n>", `the most concurrent runs (generated traces) the search may take (default: ${DEFAULTS.runs})`).argParser(once(whole(1, 10_000_000))));
  add(new Option("--sequences <n>", `sequential command sequences checked first; 0 skips them (default: ${DEFAULTS.sequences})`).argParser(once(whole(0, 1_000_000))));
  add(new Option("--scheduler <name>", `how concurrent runs interleave: pct, random or preemptions (default: ${DEFAULTS.scheduler})`).argParser(once(text)));
  add(new Option("--depth <d>", `PCT's bug depth, 1 to 5 (default: ${DEFAULTS.depth})`).argParser(once(whole(1, 5))));
  add(new Option("--tso", "x86-TSO store buffers instead of sequential consistency for the concurrent runs (and with --exhaustive)"));
  add(new Option("--replay <file>", "replay a saved counterexample exactly").argParser(once(text)));
  add(new Option("--mutants", "check the whole mutant catalogue of the subject and print a table"));
  add(new Option("--list", "list the subject's designs and mutants"));
  add(new Option("--compare", "the designs side by side (baseline, v3, v3-fixed, merged-3.11, zap-all-2019, zap-roots-v1, zap-roots-v1-track): safety verdict, cost of a DELETE in simulated time, how it grows, and the map over workloads"));
  add(new Option("--pages <n>", `--compare: shadow pages of the cost columns, one of --sizes (default: ${DEFAULT_COMPARE.pages})`).argParser(once(whole(1, 65536))));
  add(new Option("--sizes <list>", `--compare: shadow-page counts of the growth runs, comma-separated (default: ${DEFAULT_COMPARE.sizes.join(",")})`).argParser(once(wholeList(1, 65536))));
  add(new Option("--sptes <n>", `--compare: sptes per shadow page (default: ${DEFAULT_COMPARE.sptes})`).argParser(once(whole(1, 512))));
  add(new Option("--vcpus <n>", `--compare: vCPUs faulting in the busy runs (default: ${DEFAULT_COMPARE.vcpus})`).argParser(once(whole(1, 64))));
  add(new Option("--checked-up-to <n>", `--compare: runs of at most this many pages are checked at every step, larger ones run bare (default: ${DEFAULT_COMPARE.checkedUpTo})`).argParser(once(whole(0, 65536))));
  add(new Option("--no-sweep", "--compare: skip the map (the DELETE over a grid of workloads and preemption models, docs/compare.md)"));
  add(new Option("--exhaustive", "every schedule of one scenario up to a preemption bound, with DPOR (sequential consistency, or x86-TSO with --tso), instead of sampled runs"));
  add(new Option("--scenario <name|file>", `--exhaustive: a scenario of scenarios/ (${scenarioNames().length}; --list shows them) or a scenario file`).argParser(once(text)));
  add(new Option("--preemptions <k|all>", "--exhaustive: schedules with at most k switches away from a runnable thread; all: no bound (default: 2)").argParser(once(bound)));
  add(new Option("--max-executions <n>", "--exhaustive: stop after n executions; the result is then incomplete").argParser(once(whole(1, 1_000_000_000))));
  add(new Option("--max-seconds <s>", "--exhaustive: stop after s seconds; the result is then incomplete").argParser(once(whole(1, 10_000_000))));
  add(new Option("--workers <n>", "run a check's concurrent runs, the catalogue's mutants (--mutants), or an exploration (--exhaustive) on n threads: the same result as one, sooner on n free cores (default: 1)").argParser(once(whole(1, 256))));
  add(new Option("--shard <i/n>", "--exhaustive: explore shard i of n only and print a summary for --merge").argParser(once(shard)));
  add(new Option("--cross-check <k>", "--exhaustive: also enumerate every schedule within k preemptions without reduction and compare behaviour classes (exit 1 if the reduced search missed one)").argParser(once(whole(0, 64))));
  add(new Option("--cross-check-executions <n>", "--exhaustive --cross-check: at most n executions of plain enumeration (default: 200000); beyond: incomplete").argParser(once(whole(1, 1_000_000_000))));
  add(new Option("--merge <files...>", "add the --json summaries of the shards of one run (--exhaustive --shard, or sweep --shard) into one verdict"));
  add(new Option("--json", "print one JSON object on stdout (wall-clock figures in its `timing`)"));
  add(new Option("--format <f>", "counterexamples as wide (one column per thread) or narrow (80 columns, each step with its impl/ file and line), or with --replay as html (one self-contained page to step through) (default: wide when it fits the terminal, else narrow)").argParser(once(text)));
  add(new Option("--out <dir>", `where counterexample files go (default: ${DEFAULTS.out}/)`).argParser(once(text)));
  p.addHelpText("after", EXAMPLES);
  return p;
}
