/** The default policy plus a list of preemptions: generated, shrunk and replayed. */
import type { Decision, Preemption, Scheduler } from "../scheduler";
import type { Thread } from "../thread";

export class PreemptiveScheduler implements Scheduler {
  readonly name = "preemptions";
  private readonly at = new Map<string, number>();

  constructor(preemptions: readonly Preemption[]) {
    for (const p of preemptions) {
      const key = `${p.thread}:${p.after}`;
      if (!this.at.has(key)) this.at.set(key, p.to);
    }
  }

  pick(d: Decision): Thread {
    const to = this.at.get(`${d.current.id}:${d.current.steps}`);
    if (to !== undefined) {
      const t = d.runnable.find((r) => r.id === to);
      if (t !== undefined) return t;
    }
    return d.dflt;
  }
}
