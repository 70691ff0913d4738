/**
 * rmapcheck: the command-line checker. It talks to the checker only through
 * checker/index.ts.
 *   exit 0  no violation
 *   exit 1  a violation was found (or replayed)
 *   exit 2  usage error: bad option, unknown design or mutant, malformed or diverging replay file
 *   exit 3  internal error (a bug of rmapcheck: please report it)
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { BadInput, check, type Counterexample, listing, replay, runCatalogue, serialize } from "../checker";
import { writeAtomic } from "./files";
import { type Options, parseOptions, USAGE } from "./options";
import { UsageError } from "./usage_error";

function list(): string {
  const l = listing();
  const d = l.designs.map((x) => `  ${x.name.padEnd(18)} ${x.summary}`);
  const m = l.mutants.map((x) => `  ${x.name.padEnd(30)} ${x.bug}`);
  return ["designs:", ...d, "", `mutants (${l.mutants.length}):`, ...m].join("\n");
}

/** The counterexample file of a check: one per design, mutant, invariant and seed. */
function cxFileName(o: Options, cx: Counterexample): string {
  const parts = [o.variant!.design.name, o.variant!.mutant?.name, cx.violation.invariant, `seed${o.seed}`].filter(Boolean);
  return join(o.out, `${parts.join("-")}.json`);
}

/** A saver that keeps one file per search: a better counterexample may break another invariant. */
function saver(o: Options): (cx: Counterexample) => string {
  let file: string | null = null;
  return (cx) => {
    const name = cxFileName(o, cx);
    writeAtomic(name, serialize(cx));
    if (file !== null && file !== name) rmSync(file, { force: true });
    file = name;
    return name;
  };
}

function main(argv: string[]): number {
  const o = parseOptions(argv);
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const progress = (s: string) => {
    if (!o.json) process.stderr.write(`${s}\n`);
  };
  if (o.help) {
    out(USAGE);
    return 0;
  }
  if (o.list) {
    out(list());
    return 0;
  }
  if (o.replay !== null) {
    const r = replay(o.replay);
    out(o.json ? JSON.stringify(r.json) : r.text);
    return r.status;
  }
  const base = { seed: o.seed, runs: o.runs, sequences: o.sequences, scheduler: o.scheduler, depth: o.depth, tso: o.tso };
  if (o.mutants) {
    const r = runCatalogue(base, progress);
    out(o.json ? JSON.stringify(r.rows) : r.text);
    return r.rows.every((x) => x.detected) ? 0 : 1;
  }
  const r = check({ ...base, variant: o.variant! }, { progress, save: saver(o) });
  out(o.json ? JSON.stringify(r.summary) : r.text);
  return r.summary.ok ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError || e instanceof BadInput) {
    process.stderr.write(`rmapcheck: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`rmapcheck: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 3;
  }
}
