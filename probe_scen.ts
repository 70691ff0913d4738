import { loadScenario, resolveSubject, resolveVariant } from "./checker";
import { traceOf } from "./checker/exhaustive/scenario";
import { runTrace } from "./checker/search/trace";
import { ConflictDirectedScheduler } from "./runtime/schedulers/conflict";
import { PctScheduler } from "./runtime/schedulers/pct";
const subj = resolveSubject("lockless-aging");
const [file, mut, n, p] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4]), Number(process.argv[5] ?? 0)];
const v = resolveVariant(null, mut, subj);
const tr = traceOf(loadScenario(file), v.design.name);
let hits = 0;
for (let s = 1; s <= n; s++) {
  const sch = new ConflictDirectedScheduler(new PctScheduler(s, subj.roles.length, 3, subj.pctSteps), s, { pPublish: p });
  if (runTrace(tr, v, { scheduler: sch }).result.violation) hits++;
}
console.log(file, mut, `p=${p}`, `${hits}/${n}`);
