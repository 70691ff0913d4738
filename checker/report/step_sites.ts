/**
 * Where in impl/ each step of a counterexample comes from: its schedule is
 * replayed once with the engine's step hook on, and the first impl/ frame of
 * the stack that made each label (the first time it is made) is kept, as
 * "file.ts:line" relative to impl/. Normal runs pay nothing for this.
 */
import { ReplayScheduler } from "../../runtime/schedulers/replay";
import { onStepMade } from "../../runtime/step";
import { runTrace } from "../search/trace";
import type { Variant } from "../subject";
import type { Counterexample } from "./counterexample";

/** The first frame of a stack inside impl/ (other than impl/steps.ts), as "path/under/impl.ts:line". */
export function implFrame(stack: string): string | null {
  for (const line of stack.split("\n")) {
    const m = /[/\\]impl[/\\]([^():]+\.[jt]s):(\d+):\d+/.exec(line);
    if (m !== null && m[1] !== "steps.ts" && m[1] !== "steps.js") return `${m[1]!.replace(/\.js$/, ".ts").replace(/\\/g, "/")}:${m[2]}`;
  }
  return null;
}

/** label -> impl file and line, for every step of the counterexample's schedule. */
export function stepSites(cx: Counterexample, variant: Variant): Map<string, string> {
  const sites = new Map<string, string>();
  onStepMade((label, stack) => {
    if (sites.has(label)) return;
    const site = implFrame(stack);
    if (site !== null) sites.set(label, site);
  });
  try {
    runTrace(cx.trace, variant, { scheduler: new ReplayScheduler(cx.schedule), tso: cx.tso ?? false });
  } catch {
    // A replay that diverges still gave the sites of the steps before it.
  } finally {
    onStepMade(null);
  }
  return sites;
}
