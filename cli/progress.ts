/**
 * Progress on stderr, for every long mode (--json included): the phase, done
 * out of the phase's budget, violations so far, elapsed time. On a terminal,
 * one live line rewritten at most ten times a second; otherwise a plain line
 * at each phase change and every tenth of the budget.
 */
import type { Progress } from "../checker";

export function progressReporter(out: NodeJS.WriteStream = process.stderr): { report: (p: Progress) => void; line: (s: string) => void; end: () => void } {
  const t0 = Date.now();
  const live = out.isTTY === true;
  let lastPhase = "";
  let lastTenth = -1;
  let lastDraw = 0;
  let drawn = false;
  const line = (p: Progress) => {
    const s = ((Date.now() - t0) / 1000).toFixed(1);
    const pct = p.budget > 0 ? ` (${Math.floor((100 * Math.min(p.done, p.budget)) / p.budget)}%)` : "";
    return `[rmapcheck] ${p.phase}: ${Math.min(p.done, p.budget)}/${p.budget}${pct}, ${p.violations} violation${p.violations === 1 ? "" : "s"}, ${s} s`;
  };
  return {
    report: (p) => {
      if (live) {
        const now = Date.now();
        if (p.phase === lastPhase && now - lastDraw < 100) return;
        lastDraw = now;
        lastPhase = p.phase;
        out.write(`\r\x1b[K${line(p)}`);
        drawn = true;
        return;
      }
      const tenth = p.budget > 0 ? Math.floor((10 * p.done) / p.budget) : 0;
      if (p.phase === lastPhase && tenth === lastTenth) return;
      lastPhase = p.phase;
      lastTenth = tenth;
      out.write(`${line(p)}\n`);
    },
    /** A job's own progress line (the exhaustive mode's), printed as it comes. */
    line: (s) => {
      if (drawn) out.write("\r\x1b[K");
      drawn = false;
      out.write(`${s}\n`);
    },
    end: () => {
      if (drawn) out.write("\r\x1b[K");
      drawn = false;
    },
  };
}
