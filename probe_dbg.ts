import { loadScenario, resolveSubject, resolveVariant } from "./checker";
import { traceOf } from "./checker/exhaustive/scenario";
import { runTrace } from "./checker/search/trace";
import { ConflictDirectedScheduler } from "./runtime/schedulers/conflict";
import { PctScheduler } from "./runtime/schedulers/pct";
const subj = resolveSubject("lockless-aging");
const m = subj.mutants.find((x) => x.name === process.argv[2])!;
const v = resolveVariant(null, m.name, subj);
const tr = traceOf(loadScenario((m as any).scenario), v.design.name);
for (let s = 1; s <= Number(process.argv[3]); s++) {
  const sch = new ConflictDirectedScheduler(new PctScheduler(s, subj.roles.length, 3, subj.pctSteps), s, { pPublish: 0.25 });
  const r = runTrace(tr, v, { scheduler: sch });
  console.log(s, r.result.violation?.invariant ?? "-", r.result.trace.map((x: any) => `${x.thread ?? x.t ?? "?"}`).join(""));
}
