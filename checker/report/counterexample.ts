/**
 * How a violation is shown (the product's face): the configuration, the
 * set-up, each thread's operations, then one atomic step per line in
 * per-thread columns, the failing step marked, the invariant named, the
 * model-versus-implementation difference, and the replay command.
 */
import type { TraceStep } from "../../runtime/run";
import { threadName, type Trace } from "../search/trace";
import type { Subject } from "../subject";
import type { InvariantName, Violation } from "../violation";
import { replayLines } from "./fit";
import { cycleNote, shownSteps } from "./lasso";
import { NO_NOTES, type StepNotes, stepSuffix, stillBufferedLine } from "./notes";
import { threadNames } from "./threads";

export interface Counterexample {
  trace: Trace;
  /** The executed steps, (thread, label) pairs: what --replay checks. */
  schedule: TraceStep[];
  violation: { invariant: InvariantName; detail: string; diff: string[] };
  /** Index of the failing step in `schedule`, or null when found at quiescence or in set-up. */
  failedAt: number | null;
  mutant?: string;
  tso?: boolean;
  /** Found by the sequential property: one thread, no preemptions, each command checked beside the model. */
  mode?: "sequential";
}

export function toCounterexample(trace: Trace, schedule: TraceStep[], v: Violation, failedAt: number | null, extra: { mutant?: string; tso?: boolean } = {}): Counterexample {
  return { trace, schedule, violation: { invariant: v.invariant, detail: v.detail, diff: v.diff }, failedAt, ...extra };
}

const MAX_COL = 72;
/** Under x86-TSO a step may carry a note on the store buffers. */
const MAX_COL_TSO = 112;

function cut(s: string, w: number): string {
  return s.length <= w ? s.padEnd(w) : `${s.slice(0, w - 1)}…`;
}

/**
 * The schedule's switches (`trace.preemptions`, docs/counterexamples.md): each
 * runs another thread than the default schedule would. The exhaustive mode's
 * verdict counts preemptions, only the switches away from a thread that could
 * still run, so it may be smaller; the two are named differently.
 */
export const switches = (n: number): string => `${n} switch${n === 1 ? "" : "es"} from the default schedule`;

/** The whole counterexample as text; `replay` is the command line that replays it. */
export function formatCounterexample(cx: Counterexample, subject: Subject, replay: string, notes: StepNotes = NO_NOTES): string {
  const t = cx.trace;
  const opText = (op: unknown): string => subject.opText(op);
  const out: string[] = [];
  const steps = cx.schedule.length;
  const ops = t.setup.length + t.threads.reduce((n, th) => n + th.ops.length, 0);
  out.push(`VIOLATION of ${cx.violation.invariant}  (${t.subject ? `subject ${t.subject}, ` : ""}design ${t.design}${cx.mutant ? `, mutant ${cx.mutant}` : ""}${cx.tso ? ", x86-TSO" : ""}; ${ops} operations, ${steps} atomic steps, ${switches(t.preemptions.length)})`);
  out.push(`  ${cx.violation.detail}`);
  out.push("");
  out.push(`configuration: ${subject.configLine(t.config)}`);
  if (t.setup.length > 0) {
    out.push("set-up, run alone before the threads:");
    for (const op of t.setup) out.push(`  ${opText(op)}`);
  }
  out.push("threads:");
  t.threads.forEach((th, i) => {
    if (th.ops.length > 0) out.push(`  ${threadName(th.role, i).padEnd(12)} ${th.ops.map(opText).join("; ")}`);
  });
  out.push("");
  // x86-TSO: a store buffer's commits go in its thread's column; executors (runtime/deferral.ts) after the trace's threads.
  const names = threadNames(t, subject);
  const n = names.n;
  const colOf = (thread: number): number => names.column(thread);
  const cols = Array.from({ length: names.all }, (_, i) => i).filter((i) => cx.schedule.some((s) => colOf(s.thread) === i));
  const width = new Map<number, number>();
  for (const c of cols) {
    const labels = cx.schedule.flatMap((s, i) => (colOf(s.thread) === c ? [s.label.length + stepSuffix(notes, i).length + 2] : []));
    const opLines = (t.threads[c]?.ops ?? []).map((o) => opText(o).length + 2);
    width.set(c, Math.min(cx.tso ? MAX_COL_TSO : MAX_COL, Math.max(names.header(c).length, ...labels, ...opLines)));
  }
  const row = (num: string, cells: Map<number, string>, note = "") =>
    `${num.padStart(5)}  ${cols.map((c) => cut(cells.get(c) ?? "", width.get(c)!)).join(" | ")}${note}`.trimEnd();
  out.push(row("step", new Map(cols.map((c) => [c, names.header(c)]))));
  out.push(row("", new Map(cols.map((c) => [c, "-".repeat(width.get(c)!)]))));
  const lastOp = new Map<number, number>();
  const shown = shownSteps(cx.schedule, cx.violation.invariant);
  shown.steps.forEach((i) => {
    const s = cx.schedule[i]!;
    if (shown.cycle !== null && i === shown.cycle.start) out.push(`       -- ${cycleNote(shown.cycle)}:`);
    const op = s.op ?? 0;
    if (s.thread < n && lastOp.get(s.thread) !== op) {
      lastOp.set(s.thread, op);
      const desc = t.threads[s.thread]?.ops[op];
      if (desc) out.push(row("", new Map([[s.thread, `> ${opText(desc)}`]])));
    }
    const failed = cx.failedAt === i;
    const label = `${s.label}${stepSuffix(notes, i)}`;
    out.push(row(`${failed ? ">>" : ""}${i + 1}`, new Map([[colOf(s.thread), `  ${label}`]]), failed ? `   <-- ${cx.violation.invariant}` : ""));
  });
  if (shown.cycle !== null) out.push(`       -- ... and again, until step ${cx.schedule.length}   <-- ${cx.violation.invariant}`);
  if (cx.failedAt === null) out.push(`       (every thread done: ${cx.violation.invariant} found at quiescence)`);
  const held = stillBufferedLine(cx, notes);
  if (held !== null) out.push(`       ${held}`);
  if (cx.violation.diff.length > 0) {
    out.push("");
    out.push("model versus implementation:");
    for (const d of cx.violation.diff.slice(0, 12)) out.push(`  ${d}`);
    if (cx.violation.diff.length > 12) out.push(`  ... and ${cx.violation.diff.length - 12} more`);
  }
  out.push("");
  out.push(...replayLines(replay));
  return out.join("\n");
}
