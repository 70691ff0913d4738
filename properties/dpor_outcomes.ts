/**
 * What one exploration of a program reaches, for comparing the reduced search
 * (DPOR with the checkers' declared footprints) with plain enumeration: the
 * final states (every object's memory, each thread's results) of the runs
 * that violate nothing, and the invariants the others violate. Used by the
 * DPOR-against-plain tests of properties/exhaustive_plain.test.ts and of the
 * whole-call postconditions (notifier_calls, unmap_range); the behaviour-class
 * comparison (what each thread read) is the exhaustive job's `crossCheck`.
 */
import { scenarioProgram } from "../checker/exhaustive/program";
import { type Scenario, traceOf } from "../checker/exhaustive/scenario";
import type { Subject, Variant } from "../checker/subject";
import { violationOf } from "../checker/violation";
import type { Program } from "../runtime/exhaustive/program";
import { explore } from "../runtime/exhaustive/units";
import { WORD_BYTES } from "../runtime/memory";

export function outcomes(p: Program, reduce: boolean): { finals: Set<string>; fails: Set<string> } {
  const finals = new Set<string>();
  const fails = new Set<string>();
  const recorded: Program = {
    start() {
      const e = p.start();
      if ("setupFailure" in e) return e;
      return {
        ...e,
        run: (sched, h) => {
          const r = e.run(sched, h);
          const v = violationOf(r.failure);
          const m = e.machine;
          if (v !== null) fails.add(v.invariant);
          else finals.add(`${m.mem.objects.slice(1).map((o) => `${o.kind}:${o.freed ? "freed" : Array.from({ length: o.words }, (_, k) => m.mem.peek(o.base + k * WORD_BYTES)).join(",")}`).join(";")}|${m.threads.map((t) => t.results.join(",")).join("/")}`);
          return r;
        },
      };
    },
  };
  explore(recorded, { bound: 1, reduce, continueAfterFailure: !reduce });
  return { finals, fails };
}

/**
 * Explore every scenario with every variant at most 1 preemption, reduced and plain, and expect the same outcomes:
 * a violation in both or neither, the reduced search's first violated invariant among plain enumeration's, and
 * the same final states when nothing is violated. Variants that need x86-TSO or that the subject refuses for the
 * scenario are skipped. Returns how many pairs were compared.
 */
export function expectDporAgreesWithPlain(subject: Subject, scenarios: readonly Scenario[], variants: readonly Variant[]): number {
  let compared = 0;
  for (const s of scenarios) {
    for (const v of variants) {
      if (v.needsTso) continue;
      const t = traceOf(s, v.design.name);
      if (subject.traceProblem?.(t, v)) continue;
      const reduced = outcomes(scenarioProgram(t, v), true);
      const plain = outcomes(scenarioProgram(t, v), false);
      const name = `${s.name}, ${v.mutant?.name ?? v.design.name}`;
      expect({ name, violated: reduced.fails.size > 0 }).toEqual({ name, violated: plain.fails.size > 0 });
      if (plain.fails.size === 0) expect({ name, finals: [...reduced.finals].sort() }).toEqual({ name, finals: [...plain.finals].sort() });
      else expect(plain.fails).toContain([...reduced.fails][0]);
      compared++;
    }
  }
  return compared;
}
