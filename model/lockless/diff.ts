/**
 * Where two model states differ, one line per difference: what
 * MODEL-REFINE reports when the implementation's abstraction is not the
 * model's state.
 */
import type { ModelState, ShadowPage } from "./state";
import { sameSpte, spteText } from "./spte_values";

export function diffStates(model: ModelState, impl: ModelState): string[] {
  const out: string[] = [];
  const keys = <K>(a: ReadonlyMap<K, unknown>, b: ReadonlyMap<K, unknown>): K[] => [...new Set([...a.keys(), ...b.keys()])];
  const samePage = (a: ShadowPage | undefined, b: ShadowPage | undefined): boolean =>
    a === undefined || b === undefined ? a === b : a.gfn === b.gfn && a.level === b.level && a.quadrant === b.quadrant && a.direct === b.direct && a.adDisabled === b.adDisabled;
  for (const id of keys(model.sps, impl.sps)) {
    const a = model.sps.get(id);
    const b = impl.sps.get(id);
    if (!samePage(a, b)) out.push(`shadow page sp${id}: model ${JSON.stringify(a) ?? "none"}, implementation ${JSON.stringify(b) ?? "none"}`);
  }
  for (const ref of keys(model.sptes, impl.sptes)) {
    const a = model.sptes.get(ref);
    const b = impl.sptes.get(ref);
    if (!sameSpte(a, b)) out.push(`spte ${ref}: model ${spteText(a)}, implementation ${spteText(b)}`);
  }
  const sameSet = (a: ReadonlySet<string> = new Set(), b: ReadonlySet<string> = new Set()): boolean => a.size === b.size && [...a].every((x) => b.has(x));
  for (const key of keys(model.rmaps, impl.rmaps)) {
    if (sameSet(model.rmaps.get(key), impl.rmaps.get(key))) continue;
    const show = (x: ReadonlySet<string> | undefined) => [...(x ?? [])].sort().join(" ");
    out.push(`rmap ${key}: model {${show(model.rmaps.get(key))}}, implementation {${show(impl.rmaps.get(key))}}`);
  }
  const da = [...model.dirty].sort((x, y) => x - y).join(" ");
  const db = [...impl.dirty].sort((x, y) => x - y).join(" ");
  if (da !== db) out.push(`dirty bitmap: model {${da}}, implementation {${db}}`);
  if (model.deleted !== impl.deleted) out.push(`slot deleted: model ${model.deleted}, implementation ${impl.deleted}`);
  if (model.logDirty !== impl.logDirty) out.push(`KVM_MEM_LOG_DIRTY_PAGES: model ${model.logDirty}, implementation ${impl.logDirty}`);
  const tdpText = (m: ReadonlyMap<number, boolean>): string => [...m].sort((x, y) => x[0] - y[0]).map(([g, y]) => `${g}${y ? "A" : ""}`).join(" ");
  if (tdpText(model.tdp) !== tdpText(impl.tdp)) out.push(`TDP MMU: model {${tdpText(model.tdp)}}, implementation {${tdpText(impl.tdp)}}`);
  return out;
}
