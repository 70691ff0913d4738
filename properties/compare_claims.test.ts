/**
 * The generated statements of docs/findings.md about the map (compare_claims.ts)
 * and the winner per axis (compare_axes.ts), on hand-made points: a statement
 * the data does not support is written as no longer holding, and an axis
 * changes the winner only when two points that differ only in it disagree.
 */
import { claimLines, reclaimCheck } from "../checker/jobs/compare_claims";
import type { CompareOutput } from "../checker/jobs/compare";
import { type AxesPoint, axesVerdicts, DEFAULT_AXES } from "../checker/jobs/compare_axes";

const q = { ...DEFAULT_AXES, designs: ["baseline", "x"], pages: [16, 64], preemptions: ["preempt"] as const };
const point = (design: string, pages: number, notifier: boolean, latency: number): AxesPoint => ({ design, pages, notifier, preemption: "preempt", finished: true, latency, longestHold: latency, vcpuWait: 10 });

describe("the map's statements", () => {
  test("an axis changes the winner only where two points differing only in it disagree", () => {
    const points = [true, false].flatMap((b) => [point("baseline", 16, b, 100), point("baseline", 64, b, 100), point("x", 16, b, 50), point("x", 64, b, 200)]);
    const v = axesVerdicts(q, points);
    expect(v.find((x) => x.design === "x" && x.metric === "DELETE latency")).toMatchObject({ changesWith: ["N"], winners: ["design", "3.10"] });
    expect(v.find((x) => x.design === "x" && x.metric === "longest vCPU wait")).toMatchObject({ changesWith: [], winners: ["tie"] });
    // the notifier flips the winner at N = 64 only: the notifier changes it, N too
    const flipped = points.map((p) => (p.design === "x" && p.pages === 64 && !p.notifier ? { ...p, latency: 20 } : p));
    expect(axesVerdicts(q, flipped).find((x) => x.design === "x" && x.metric === "DELETE latency")!.changesWith).toEqual(["N", "notifier"]);
  });

  test("a statement the output does not support is written as no longer holding, with what it shows", () => {
    const out = { request: { designs: ["baseline"], pages: 16, axes: q }, sweep: { points: [], crossovers: [], axes: [] }, profiles: [] } as unknown as CompareOutput;
    const lines = claimLines(out);
    const statements = lines.filter((l) => l.startsWith("* "));
    expect(statements.length).toBeGreaterThan(0);
    for (const l of statements) expect(l).toMatch(/^\* \*\*No longer holds\*\* \(the fresh map shows: /);
  });

  test("a reading of the table is marked as holding, with its figures, or as no longer holding", () => {
    const cost = (op: string, latency: number, totalHold: number) => ({ op, mode: "idle", finished: true, latency, longestHold: 1, totalHold });
    const out = (reclaim: number) => ({ rows: [{ design: "baseline", cost: [cost("delete", 100, 90)] }, { design: "v3-fixed", cost: [cost("delete_reclaim", reclaim, 50)] }] }) as unknown as CompareOutput;
    expect(reclaimCheck(out(150))).toEqual(["(in the table: v3-fixed's DELETE + reclaim 150 against 3.10's DELETE 100; total holds 50 and 90)"]);
    expect(reclaimCheck(out(80))[0]).toMatch(/^\(\*\*no longer holds\*\* in the table: /);
  });
});
