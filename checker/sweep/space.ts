/**
 * What a sweep needs of a subject to enumerate its scenarios (docs/sweep.md):
 * the model's initial state for a configuration, the model's next state
 * (null where the model's guard forbids the operation), the operations whose
 * arguments are drawn from a state's objects, and a key of a state and of an
 * operation under a renaming of quadrants (the symmetry; see symmetry.ts).
 *
 * A sweep state is the model's abstract state plus, per rmap, the order its
 * sptes were added in: the model keeps rmaps as sets, but the kernel's list
 * layout (which desc, which slot) follows the order of the adds, and races
 * on the lists depend on it. Keeping the order makes the deduplication finer
 * than the model's (never coarser): two set-up sequences that add the same
 * sptes in another order stay two set-up states.
 */
import type { Domains } from "./scope";

export interface SweepState<M> {
  readonly m: M;
  /** rmap key -> spte refs in the order they were added (removed ones dropped). */
  readonly order: ReadonlyMap<string, readonly string[]>;
}

/** A permutation of quadrants 0..n-1: perm[q] is q's new name. */
export type Perm = readonly number[];

export interface Space<M = unknown, Op = unknown> {
  init(): SweepState<M>;
  /** The state after `op`, or null when the model's guard does not enable it there. */
  apply(s: SweepState<M>, op: Op): SweepState<M> | null;
  /** Operations of `kinds` with arguments drawn from the objects of `s`, plus one naming nothing (Domains.absent). */
  ops(s: SweepState<M>, kinds: readonly string[]): Op[];
  /** The state's key with quadrants renamed by `perm` (shadow pages ranked by creation, their ids dropped). */
  stateKey(s: SweepState<M>, perm: Perm): string;
  /** The operation with quadrants renamed by `perm`. */
  rename(op: Op, perm: Perm): Op;
  readonly quadrants: number;
}

export interface SpaceArgs {
  config: unknown;
  domains: Domains;
  /** false: every quadrant of the domain is offered, not the used ones and one fresh (for counting what symmetry saves). */
  symmetry?: boolean;
}

/** The rmap order after a step: the old order of the refs still there, then the new refs (sorted). */
export function nextOrder(old: ReadonlyMap<string, readonly string[]>, rmaps: ReadonlyMap<string, ReadonlySet<string>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, refs] of rmaps) {
    const kept = (old.get(key) ?? []).filter((r) => refs.has(r));
    const added = [...refs].filter((r) => !kept.includes(r)).sort();
    out.set(key, [...kept, ...added]);
  }
  return out;
}

/** Shadow page ids ranked by creation (id order): the key names pages by rank, not by id. */
export function rankOf(ids: Iterable<number>): Map<number, number> {
  return new Map([...ids].sort((a, b) => a - b).map((id, i) => [id, i]));
}

/** Rename a `${sp}:${index}` spte ref by the page's rank. */
export function rankRef(ref: string, rank: ReadonlyMap<number, number>): string {
  const i = ref.indexOf(":");
  return `${rank.get(Number(ref.slice(0, i))) ?? "?"}:${ref.slice(i + 1)}`;
}

/** The quadrants in use, and the lowest unused one if the domain allows one more: any unused quadrant is a renaming of that one. */
export function quadrantChoices(used: Iterable<number>, domain: number): number[] {
  const u = [...new Set(used)].sort((a, b) => a - b);
  for (let q = 0; q < domain; q++) {
    if (!u.includes(q)) return [...u, q];
  }
  return u;
}

/** Every permutation of 0..n-1, in lexicographic order (n <= 4: at most 24). */
export function permutations(n: number): Perm[] {
  if (n <= 1) return [[0]];
  const out: number[][] = [];
  const rec = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) out.push(prefix);
    for (const x of rest) rec([...prefix, x], rest.filter((y) => y !== x));
  };
  rec([], Array.from({ length: n }, (_, i) => i));
  return out;
}
