/**
 * rmapcheck: the command-line checker.
 *   exit 0  no violation
 *   exit 1  a violation was found (or replayed)
 *   exit 2  usage error: bad option, unknown design or mutant, malformed or diverging replay file
 */
import { DESIGNS } from "../impl/designs";
import { MUTANTS } from "../impl/mutants";
import { UsageError } from "../runtime/errors";
import { check } from "./check";
import { runCatalogue } from "./mutants";
import { parseOptions, USAGE } from "./options";
import { replay } from "./replay";

function list(): string {
  const d = Object.values(DESIGNS).map((x) => `  ${x.name.padEnd(18)} ${x.summary}`);
  const m = MUTANTS.map((x) => `  ${x.name.padEnd(30)} ${x.bug}`);
  return ["designs:", ...d, "", `mutants (${MUTANTS.length}):`, ...m].join("\n");
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
  if (o.mutants) {
    const r = runCatalogue(o, progress);
    out(o.json ? JSON.stringify(r.rows) : r.text);
    return r.rows.every((x) => x.detected) ? 0 : 1;
  }
  const r = check(o, progress);
  out(o.json ? JSON.stringify(r.summary) : r.text);
  return r.summary.ok ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`rmapcheck: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`rmapcheck: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 3;
  }
}
