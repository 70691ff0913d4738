import { loadScenario, resolveSubject, resolveVariant } from "./checker";
import { traceOf } from "./checker/exhaustive/scenario";
import { runTrace } from "./checker/search/trace";
import { ConflictDirectedScheduler } from "./runtime/schedulers/conflict";
import { PctScheduler } from "./runtime/schedulers/pct";
const subj = resolveSubject("lockless-aging");
const n = Number(process.argv[2] ?? 300);
const ps = process.argv[3]!.split(",").map(Number);
const only = process.argv[4]?.split(",");
for (const m of subj.mutants) {
  if (!(m as any).scenario || (only && !only.includes(m.name))) continue;
  const v = resolveVariant(null, m.name, subj);
  const tr = traceOf(loadScenario((m as any).scenario), v.design.name);
  const out: string[] = [];
  for (const p of ps) {
    let hits = 0;
    for (let s = 1; s <= n; s++) {
      const sch = new ConflictDirectedScheduler(new PctScheduler(s, subj.roles.length, 3, subj.pctSteps), s, { pPublish: p });
      if (runTrace(tr, v, { scheduler: sch }).result.violation) hits++;
    }
    out.push(`p=${p}:${hits}`);
  }
  console.log(m.name.padEnd(40), (m as any).scenario.padEnd(40), out.join(" "));
}
