/**
 * Command-line options. Every bad input is a one-line UsageError (exit 2).
 */
import { parseArgs } from "node:util";
import { designNames, resolveVariant, type SchedulerName, type Variant } from "../checker";
import { UsageError } from "./usage_error";

export interface Options {
  /** The design and mutant, resolved (null with --list, --help, --replay and --mutants). */
  variant: Variant | null;
  seed: number;
  runs: number;
  sequences: number;
  scheduler: SchedulerName;
  depth: number;
  tso: boolean;
  json: boolean;
  out: string;
  replay: string | null;
  mutants: boolean;
  list: boolean;
  help: boolean;
}

export const USAGE = `usage: npm start -- [options]
  --design NAME       design to check (default v3; a mutant's own design with --mutant): ${designNames().join(", ")}
  --seed N            seed of the search (default 1); the same seed gives the same output
  --runs N            concurrent runs to try (default 3000)
  --sequences N       sequential command sequences to check first (default 300; 0 skips)
  --scheduler S       pct (default), random or preemptions
  --depth D           PCT depth, 1-5 (default 3)
  --tso               x86-TSO memory for the concurrent runs: stores pass through per-thread store buffers
  --json              print the summary as one JSON object on stdout
  --out DIR           where counterexample files go (default counterexamples/)
  --replay FILE       replay a saved counterexample exactly
  --mutant NAME       check the implementation with one catalogued mutant
  --mutants           run the whole mutant catalogue and print a table
  --list              list designs and mutants
  --help              this text`;

function int(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function parseOptions(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        design: { type: "string" },
        seed: { type: "string" },
        runs: { type: "string" },
        sequences: { type: "string" },
        scheduler: { type: "string" },
        depth: { type: "string" },
        tso: { type: "boolean" },
        json: { type: "boolean" },
        out: { type: "string" },
        replay: { type: "string" },
        mutant: { type: "string" },
        mutants: { type: "boolean" },
        list: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]!);
  }
  const v = parsed.values;
  const scheduler = v.scheduler ?? "pct";
  if (scheduler !== "pct" && scheduler !== "random" && scheduler !== "preemptions") throw new UsageError(`--scheduler must be pct, random or preemptions, got "${scheduler}"`);
  const modes = [v.replay !== undefined, v.mutant !== undefined, v.mutants === true, v.list === true].filter(Boolean).length;
  if (modes > 1) throw new UsageError("--replay, --mutant, --mutants and --list cannot be combined");
  if (v.replay !== undefined && (v.design !== undefined || v.runs !== undefined || v.scheduler !== undefined)) {
    throw new UsageError("--replay takes the design, runs and schedule from the file; drop --design, --runs and --scheduler");
  }
  if (v.mutants && v.design !== undefined) throw new UsageError("--mutants checks each mutant on its own design; drop --design");
  const checking = v.replay === undefined && !v.mutants && !v.list && !v.help;
  return {
    variant: checking ? resolveVariant(v.design ?? null, v.mutant ?? null) : null,
    seed: int("seed", v.seed, 1, 0, 2 ** 31 - 1),
    runs: int("runs", v.runs, 3000, 1, 10_000_000),
    sequences: int("sequences", v.sequences, 300, 0, 1_000_000),
    scheduler,
    depth: int("depth", v.depth, 3, 1, 5),
    tso: v.tso ?? false,
    json: v.json ?? false,
    out: v.out ?? "counterexamples",
    replay: v.replay ?? null,
    mutants: v.mutants ?? false,
    list: v.list ?? false,
    help: v.help ?? false,
  };
}
