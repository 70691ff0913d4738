/**
 * What the printed form of a counterexample adds to its schedule, learnt by
 * replaying it once: where in impl/ each step comes from (the engine's step
 * hook on, the first impl/ frame of the stack that made each label, kept as
 * "file.ts:line" relative to impl/), and under x86-TSO which stores went into
 * a store buffer and which were still there when the run failed. Normal runs
 * pay nothing for this.
 */
import { ReplayScheduler } from "../../runtime/schedulers/replay";
import { onStepMade } from "../../runtime/step";
import { runTrace } from "../search/trace";
import type { Variant } from "../subject";
import type { Counterexample } from "./counterexample";
import type { StepNotes } from "./notes";

/** The first frame of a stack inside impl/ (other than a steps.ts, whose helpers make steps for their caller), as "path/under/impl.ts:line". */
export function implFrame(stack: string): string | null {
  for (const line of stack.split("\n")) {
    const m = /[/\\]impl[/\\]([^():]+\.[jt]s):(\d+):\d+/.exec(line);
    if (m !== null && !/(^|\/)steps\.[jt]s$/.test(m[1]!)) return `${m[1]!.replace(/\.js$/, ".ts").replace(/\\/g, "/")}:${m[2]}`;
  }
  return null;
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

