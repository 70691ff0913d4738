/**
 * RMAP-COMPLETE over a model state (spec §3 S1): every present spte is in
 * exactly the rmap its (gfn, level) names, and every rmap entry is a present
 * spte. Returns what does not hold, empty when it holds. The checker applies
 * it to the abstraction of the implementation whenever mmu_lock is free.
 */
import { rmapOfRef } from "./actions/primitives";
import type { ModelState } from "./state";

export function rmapBijection(s: ModelState): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [key, refs] of s.rmaps) {
    for (const ref of refs) {
      if (seen.has(ref)) out.push(`spte ${ref} is in two rmaps`);
      seen.add(ref);
      if (!s.sptes.has(ref)) out.push(`rmap ${key} holds ${ref}, which is not present`);
      const want = rmapOfRef(s, ref);
      if (want !== key) out.push(`rmap ${key} holds ${ref}, which belongs in ${want ?? "no rmap"}`);
    }
  }
  for (const ref of s.sptes.keys()) if (!seen.has(ref)) out.push(`spte ${ref} is present but in no rmap`);
  return out;
}
