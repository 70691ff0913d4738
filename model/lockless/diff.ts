/**
 * Where two model states differ, one line per difference: what
 * MODEL-REFINE reports when the implementation's abstraction is not the
 * model's state.
 */
import type { ModelState } from "./state";
import { sameSpte, spteText } from "./spte_values";

export function diffStates(model: ModelState, impl: ModelState): string[] {
  const out: string[] = [];
  const keys = <K>(a: ReadonlyMap<K, unknown>, b: ReadonlyMap<K, unknown>): K[] => [...new Set([...a.keys(), ...b.keys()])];
  for (const id of keys(model.sps, impl.sps)) {
    const a = model.sps.get(id);
    const b = impl.sps.get(id);
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`shadow page sp${id}: model ${JSON.stringify(a) ?? "none"}, implementation ${JSON.stringify(b) ?? "none"}`);
  }
  for (const ref of keys(model.sptes, impl.sptes)) {
    const a = model.sptes.get(ref);
    const b = impl.sptes.get(ref);
    if (!sameSpte(a, b)) out.push(`spte ${ref}: model ${spteText(a)}, implementation ${spteText(b)}`);
  }
  for (const key of keys(model.rmaps, impl.rmaps)) {
    const a = [...(model.rmaps.get(key) ?? [])].sort().join(" ");
    const b = [...(impl.rmaps.get(key) ?? [])].sort().join(" ");
    if (a !== b) out.push(`rmap ${key}: model {${a}}, implementation {${b}}`);
  }
  const da = [...model.dirty].sort((x, y) => x - y).join(" ");
  const db = [...impl.dirty].sort((x, y) => x - y).join(" ");
  if (da !== db) out.push(`dirty bitmap: model {${da}}, implementation {${db}}`);
  return out;
}
