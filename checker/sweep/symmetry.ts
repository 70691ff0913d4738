/**
 * Symmetry reduction (Ip and Dill, "Better verification through symmetry",
 * 1996; TLC's symmetry sets): a state, and a scenario, is named by the least
 * key over every renaming of its scalarsets, so that renamings of one another
 * are explored once. Why each identity is a scalarset, i.e. no check and no
 * kernel path can tell its names apart:
 *
 *  - Quadrants (shadow-page roles). The code compares sp->role only for
 *    equality: kvm_mmu_get_page and the reach/zap look-ups select pages by
 *    (gfn, level, quadrant) equal to the request (impl/mmu_page.ts,
 *    impl/hardware.ts reachable_sptep, impl/lockless/ primitives findSp), no
 *    path orders, hashes or indexes by the quadrant's value, and the model
 *    and invariants use it only to tell pages apart. Renaming quadrants by a
 *    permutation, in the state and in every later operation, maps each run
 *    to a run with the same steps and verdicts. Tested: properties/sweep.test.ts
 *    explores a pair of scenarios that differ by a renaming and gets the same
 *    verdict and the same number of executions.
 *  - Shadow-page ids. Only creation order is observable (active_mmu_pages,
 *    zap_page's oldest/newest): keys name pages by their rank in id order,
 *    so states that differ in how many ids were handed out before are one.
 *  - Unused objects. Any unused quadrant stands for all unused ones, so each
 *    operation gets one fresh quadrant (space.ts quadrantChoices), not all;
 *    one gfn past the slots stands for every gfn no slot holds; one host page
 *    no slot maps for every such page (set_spte_hva's new pfn).
 *  - Spte values up to their bit classes: the key holds the model's view of
 *    a spte (present, W, host- and MMU-writable, A, D, large, pfn; for the
 *    lockless subject R/W/X, the saved bits, A/D mode), which is what every
 *    invariant reads; encodings with the same view are one state.
 *  - Slot ids and thread order are not renamed here: a configuration lists
 *    its slots once (a scope names each configuration it wants), and threads
 *    are the subject's roles in their fixed order, one thread per role, so a
 *    multiset of operations has one thread order already.
 */
import type { Perm, Space, SweepState } from "./space";
import { permutations } from "./space";

export interface CanonicalState {
  key: string;
  /** The renamings that give the least key (the state's automorphisms, composed with one canonical renaming). */
  perms: Perm[];
}

export function canonicalState(space: Space, st: SweepState<unknown>): CanonicalState {
  let key: string | null = null;
  let perms: Perm[] = [];
  for (const p of permutations(space.quadrants)) {
    const k = space.stateKey(st, p);
    if (key === null || k < key) {
      key = k;
      perms = [p];
    } else if (k === key) perms.push(p);
  }
  return { key: key!, perms };
}

/** The least key of (state, threads) over the renamings that take the state to its canonical key. */
export function canonicalScenario(space: Space, state: CanonicalState, threads: ReadonlyArray<{ role: string; ops: readonly unknown[] }>): string {
  let best: string | null = null;
  for (const p of state.perms) {
    const k = JSON.stringify(threads.map((th) => [th.role, th.ops.map((op) => space.rename(op, p))]));
    if (best === null || k < best) best = k;
  }
  return `${state.key}|${best}`;
}
