/**
 * The generators draw the kernel's geometry, not only aligned slots: bases
 * unaligned at each large-page level, slots that start or end inside a large
 * page, adjacent slots and slots with a gap, a level shift above 1, and
 * PTE_LIST_EXT 2 and 3. The counts are printed (CI shows them) and each shape
 * must occur in the sample the properties draw from.
 */
import fc from "fast-check";
import { worldConfigArb } from "../checker/series/arbitraries";
import { runArb } from "../checker/series/concurrent_arbitraries";
import type { WorldConfig } from "../checker/series/world";
import { BOUNDS } from "./config";

function shapes(cfg: WorldConfig): string[] {
  const out: string[] = [];
  const span = (level: number) => 1 << ((level - 1) * cfg.kvm.levelShift);
  const [a, b] = cfg.slots;
  for (const level of [2, 3]) {
    for (const s of cfg.slots) {
      if (s.baseGfn % span(level) !== 0) out.push(`a slot base unaligned at level ${level}`);
      if ((s.baseGfn + s.npages) % span(level) !== 0) out.push(`a slot ending inside a level-${level} page`);
    }
  }
  if (a !== undefined && b !== undefined) out.push(b.baseGfn === a.baseGfn + a.npages ? "adjacent slots" : "slots with a gap");
  out.push(`level shift ${cfg.kvm.levelShift}`, `PTE_LIST_EXT ${cfg.kvm.PTE_LIST_EXT}`);
  return [...new Set(out)];
}

const REQUIRED = [
  "a slot base unaligned at level 2",
  "a slot base unaligned at level 3",
  "a slot ending inside a level-2 page",
  "a slot ending inside a level-3 page",
  "adjacent slots",
  "slots with a gap",
  "level shift 1",
  "level shift 2",
  "PTE_LIST_EXT 2",
  "PTE_LIST_EXT 3",
];

describe("generated geometry", () => {
  for (const [name, arb] of [
    ["sequential", worldConfigArb],
    ["concurrent", runArb("v3-fixed").map((g) => g.trace.config as WorldConfig)],
  ] as const) {
    test(`the ${name} configurations include unaligned bases at every level, adjacent slots and a level shift above 1`, () => {
      const counts = new Map<string, number>();
      for (const cfg of fc.sample(arb as fc.Arbitrary<WorldConfig>, { seed: BOUNDS.SEQ_SEED, numRuns: 1000 })) {
        for (const s of shapes(cfg)) counts.set(s, (counts.get(s) ?? 0) + 1);
      }
      process.stdout.write(`\n${name} geometry in 1000 generated configurations:\n${[...counts].sort().map(([k, v]) => `  ${k.padEnd(40)} ${v}`).join("\n")}\n`);
      for (const r of REQUIRED) expect(counts.get(r) ?? 0).toBeGreaterThan(0);
    });
  }
});
