import { DEFAULT_SWEEP, sweep, sweepText } from "../checker/jobs/compare_sweep";
for (const d of DEFAULT_SWEEP.designs) {
  const t0 = Date.now();
  sweep({ ...DEFAULT_SWEEP, designs: [d] });
  console.log(d, Date.now() - t0, "ms");
}
const t0 = Date.now();
const pts = sweep(DEFAULT_SWEEP);
console.log(sweepText(DEFAULT_SWEEP, pts).join("\n"));
console.log("total", Date.now() - t0);
