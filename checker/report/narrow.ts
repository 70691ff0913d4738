/**
 * The counterexample in at most 80 columns, the way race reports are written
 * in kernel commit messages: the threads named CPU0, CPU1, ... with their
 * operations, then one atomic step per line prefixed by its number and CPU,
 * "function: access", and the impl/ file and line the step comes from; the
 * failing step marked ">>" and the invariant named. Long lines wrap with an
 * indent; nothing is cut.
 */
import { threadName } from "../search/trace";
import type { Subject } from "../subject";
import { type Counterexample, switches } from "./counterexample";
import { cycleNote, shownSteps } from "./lasso";
import { replayLines, wrap } from "./fit";
import { type StepNotes, stepSuffix, stillBufferedLine } from "./notes";
import { threadNames } from "./threads";

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;


/** `notes`: each step's impl/ file and line, and the buffered stores (checker/report/step_notes.ts). */
export function formatNarrow(cx: Counterexample, subject: Subject, notes: StepNotes, replay: string): string[] {
  const t = cx.trace;
  const names = threadNames(t, subject);
  const n = names.n;
  const cpu = (thread: number): string => names.cpu(thread);
  const out: string[] = [];
  const ops = t.setup.length + t.threads.reduce((k, th) => k + th.ops.length, 0);
  const where = [t.subject && `subject ${t.subject}`, `design ${t.design}`, cx.mutant && `mutant ${cx.mutant}`, cx.tso && "x86-TSO"].filter(Boolean).join(", ");
  out.push(`VIOLATION of ${cx.violation.invariant}`);
  out.push(...wrap("  ", `${where}; ${plural(ops, "operation")}, ${plural(cx.schedule.length, "atomic step")}, ${switches(t.preemptions.length)}`, "  "));
  out.push(...wrap("  ", cx.violation.detail, "    "));
  out.push("");
  out.push(...wrap("configuration: ", subject.configLine(t.config), "  "));
  if (t.setup.length > 0) {
    out.push("set-up, run alone before the threads:");
    for (const op of t.setup) out.push(...wrap("  ", subject.opText(op), "      "));
  }
  out.push("threads:");
  t.threads.forEach((th, i) => {
    if (th.ops.length > 0) out.push(...wrap(`  ${`${cpu(i)} (${threadName(th.role, i)})`.padEnd(18)} `, th.ops.map((o) => subject.opText(o)).join("; "), " ".repeat(21)));
  });
  out.push("");
  out.push("steps: number, CPU, function: access, [impl/ file:line]");
  const lastOp = new Map<number, number>();
  const shown = shownSteps(cx.schedule, cx.violation.invariant);
  shown.steps.forEach((i) => {
    const s = cx.schedule[i]!;
    if (shown.cycle !== null && i === shown.cycle.start) out.push(...wrap("      -- ", `${cycleNote(shown.cycle)}:`, "         "));
    const op = s.op ?? 0;
    if (s.thread < n && lastOp.get(s.thread) !== op) {
      lastOp.set(s.thread, op);
      const desc = t.threads[s.thread]?.ops[op];
      if (desc !== undefined) out.push(...wrap(`      ${cpu(s.thread).padEnd(6)} > `, subject.opText(desc), " ".repeat(15)));
    }
    const failed = cx.failedAt === i;
    const num = `${failed ? ">>" : ""}${i + 1}`.padStart(5);
    const site = notes.sites.get(s.label);
    const text = `${s.label}${stepSuffix(notes, i)}${site ? ` [${site}]` : ""}${failed ? `  <-- ${cx.violation.invariant}` : ""}`;
    out.push(...wrap(`${num} ${cpu(s.thread).padEnd(6)} `, text, " ".repeat(13)));
  });
  if (shown.cycle !== null) out.push(`      -- ... and again, until step ${cx.schedule.length}  <-- ${cx.violation.invariant}`);
  if (cx.failedAt === null) out.push(...wrap("      ", `(every thread done: ${cx.violation.invariant} found at quiescence)`, "      "));
  const held = stillBufferedLine(cx, notes);
  if (held !== null) out.push(...wrap("      ", held, "      "));
  if (cx.violation.diff.length > 0) {
    out.push("");
    out.push("model versus implementation:");
    for (const d of cx.violation.diff.slice(0, 12)) out.push(...wrap("  ", d, "    "));
    if (cx.violation.diff.length > 12) out.push(`  ... and ${cx.violation.diff.length - 12} more`);
  }
  out.push("");
  out.push(...replayLines(replay));
  return out;
}
