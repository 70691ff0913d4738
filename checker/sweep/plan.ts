/**
 * Splitting a sweep into n shards (docs/sweep.md, "Spreading a sweep"):
 * longest-processing-time first on the cost estimate (cost.ts): scenarios by
 * cost, highest first (ties: scope order), each to the shard with the least
 * estimated work so far (ties: the lower shard). Deterministic: the same
 * scope gives every machine the same split, so shard i/n can run anywhere.
 */
import { createHash } from "node:crypto";
import type { SweepScenario } from "./generate";

/** The scope indices of shard `index` (1-based) of `count`, in scope order. */
export function shardOf(scenarios: readonly SweepScenario[], index: number, count: number): number[] {
  return assign(scenarios, count)[index - 1]!;
}

export function assign(scenarios: readonly SweepScenario[], count: number): number[][] {
  const load = new Array<number>(count).fill(0);
  const out: number[][] = Array.from({ length: count }, () => []);
  const order = [...scenarios].sort((a, b) => b.cost - a.cost || a.index - b.index);
  for (const s of order) {
    let best = 0;
    for (let i = 1; i < count; i++) if (load[i]! < load[best]!) best = i;
    load[best]! += s.cost;
    out[best]!.push(s.index);
  }
  for (const l of out) l.sort((a, b) => a - b);
  return out;
}

/** The estimated cost of each shard (what --plan prints beside its commands). */
export function shardCosts(scenarios: readonly SweepScenario[], count: number): number[] {
  return assign(scenarios, count).map((ix) => ix.reduce((k, i) => k + scenarios[i]!.cost, 0));
}

/** A digest of the scope's scenarios: a shard summary of another scope (or another version of it) cannot be merged. */
export function scopeDigest(scenarios: readonly SweepScenario[]): string {
  const h = createHash("sha256");
  for (const s of scenarios) h.update(JSON.stringify([s.scenario.name, s.scenario.config, s.scenario.setup, s.scenario.threads]));
  return h.digest("hex").slice(0, 16);
}

/** The shell-quoted command of shard i of n (one line of --plan). */
export function shardCommand(o: { scope: string; design: string; mutant: string | null; index: number; count: number; prefix: string }): string {
  const who = o.mutant === null ? `--design ${o.design}` : `--design ${o.design} --mutant ${o.mutant}`;
  return `${o.prefix} sweep --scope ${o.scope} ${who} --shard ${o.index}/${o.count} --json > sweep-${o.scope}-${o.index}-of-${o.count}.json`;
}
