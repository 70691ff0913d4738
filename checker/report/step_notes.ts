/**
 * What the printed form of a counterexample adds to its schedule, learnt by
 * replaying it once: where in impl/ each step comes from (the engine's step
 * hook on, the first impl/ frame of the stack that made each label, kept as
 * "file.ts:line" relative to impl/), and under x86-TSO which stores went into
 * a store buffer and which were still there when the run failed. Normal runs
 * pay nothing for this: a frame of compiled JavaScript (dist/) is mapped to
 * its TypeScript line here, through the file's source map, read when first
 * needed, so the command does not turn Node's source maps on (which reads
 * and parses every module's map as it loads). Under tsx and ts-jest the
 * stacks already name the .ts sources.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, resolve } from "node:path";
import { ReplayScheduler } from "../../runtime/schedulers/replay";
import { onStepMade } from "../../runtime/step";
import { runTrace } from "../search/trace";
import type { Variant } from "../subject";
import type { Counterexample } from "./counterexample";
import type { StepNotes } from "./notes";

/** The first frame of a stack inside impl/ (other than a steps.ts, whose helpers make steps for their caller), as "path/under/impl.ts:line". */
export function implFrame(stack: string): string | null {
  for (const line of stack.split("\n")) {
    const m = /([^\s()]*[/\\]impl[/\\]([^():]+\.[jt]s)):(\d+):(\d+)/.exec(line);
    if (m === null || /(^|[/\\])steps\.[jt]s$/.test(m[2]!)) continue;
    const mapped = m[2]!.endsWith(".js") ? sourceLine(m[1]!, Number(m[3]), Number(m[4])) : null;
    if (mapped !== null) return mapped;
    return `${m[2]!.replace(/\.js$/, ".ts").replace(/\\/g, "/")}:${m[3]}`;
  }
  return null;
}

/** Each compiled file's source map, parsed when first needed (null: none, or unreadable). */
const sourceMaps = new Map<string, { map: SourceMap; dir: string } | null>();

/**
 * A compiled impl/ file's frame (1-based line and column, as stacks print them) as its TypeScript
 * "path/under/impl.ts:line", as Node's own source-mapped stacks name it; null if the file has no
 * map or the map has no entry there.
 */
function sourceLine(file: string, line: number, column: number): string | null {
  let sm = sourceMaps.get(file);
  if (sm === undefined) {
    try {
      sm = { map: new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")) as ConstructorParameters<typeof SourceMap>[0]), dir: dirname(file) };
    } catch {
      sm = null;
    }
    sourceMaps.set(file, sm);
  }
  if (sm === null) return null;
  const e = sm.map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number };
  if (e.originalSource === undefined || e.originalLine === undefined) return null;
  const source = resolve(sm.dir, e.originalSource).replace(/\\/g, "/");
  const at = source.lastIndexOf("/impl/");
  return at < 0 ? null : `${source.slice(at + "/impl/".length)}:${e.originalLine + 1}`;
}

/** The notes of every step of the counterexample's schedule. */
export function stepNotes(cx: Counterexample, variant: Variant): StepNotes {
  const sites = new Map<string, string>();
  let buffered: ReadonlySet<number> = new Set();
  let stillBuffered: readonly number[] = [];
  const missed = new Map<number, number[]>();
  onStepMade((label, stack) => {
    if (sites.has(label)) return;
    const site = implFrame(stack);
    if (site !== null) sites.set(label, site);
  });
  try {
    const r = runTrace(cx.trace, variant, { scheduler: new ReplayScheduler(cx.schedule), tso: cx.tso ?? false }).result;
    buffered = new Set(r.buffered);
    stillBuffered = r.stillBuffered;
    for (const x of r.missed) missed.set(x.load, [...(missed.get(x.load) ?? []), x.store]);
  } catch {
    // A replay that diverges still gave the sites of the steps before it.
  } finally {
    onStepMade(null);
  }
  return { sites, buffered, stillBuffered, missed };
}

