/**
 * Coverage counters, kept by watching the implementation's steps: which
 * pte-list transitions ran, which handler ran through which ops table, at
 * which levels entries were added. Printed, never asserted (CI shows them).
 */
import { RMAP_OPS_INVALID } from "../impl/kvm";
import type { Machine, Observer } from "../runtime/machine";
import type { Step } from "../runtime/step";
import type { Thread } from "../runtime/thread";

const TRANSITIONS: Array<[string, string]> = [
  ["pte_list_add: 0->1", "pte_list_add 0->1"],
  ["pte_list_add: 1->many", "pte_list_add 1->many"],
  ["pte_list_add: many->many store desc->sptes", "pte_list_add many->many"],
  ["pte_list_add: store desc->more = new desc", "pte_list_add chains a 2nd+ desc"],
  ["pte_list_remove: 1->0", "pte_list_remove 1->0"],
  ["pte_list_desc_remove_entry: store *pte_list = desc->sptes[0]", "pte_list_remove many->0"],
  ["pte_list_desc_remove_entry: store prev_desc->more", "pte_list_remove unlinks a non-first desc"],
  ["pte_list_desc_remove_entry: store *pte_list = desc->more|1", "pte_list_remove unlinks the first desc"],
  ["pte_list_clear_concurrently: store", "pte_list_clear_concurrently resets an entry"],
];

export class Coverage implements Observer {
  readonly counts = new Map<string, number>();

  bump(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  afterStep(m: Machine, t: Thread, s: Step, result: number): void {
    const label = s.label;
    for (const [prefix, name] of TRANSITIONS) if (label.startsWith(prefix)) this.bump(name);
    if (label.startsWith("pte_list_desc_remove_entry: store desc->sptes[") && label.includes("] = sptes[")) {
      const [i, j] = label.match(/\d+/g)!;
      if (i !== j) this.bump("pte_list_remove back-fills");
    }
    if (label.startsWith("slot_rmap_") && label.endsWith("load slot->arch.ops")) {
      this.bump(`${label.split(":")[0]} on ${result === RMAP_OPS_INVALID ? "invalid" : "normal"} slot`);
    }
    if (s.op === "store" && (label.startsWith("pte_list_add: 0->1") || label.startsWith("pte_list_add: 1->many store *pte_list"))) {
      const obj = m.kvm.mem.objectAt(s.addr);
      if (obj) this.bump(`entry added at level ${obj.tag2}`);
    }
    if (label.startsWith("pte_list_add: many->many")) this.bump("entry added to a desc list");
  }

  opStart(): void {}
  opEnd(): void {}

  /** Merge another coverage's counts into this one. */
  add(o: Coverage): void {
    for (const [k, v] of o.counts) this.bump(k, v);
  }

  table(): string {
    const rows = [...this.counts].sort((a, b) => a[0].localeCompare(b[0]));
    const w = Math.max(...rows.map(([k]) => k.length), 10);
    return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
  }
}
