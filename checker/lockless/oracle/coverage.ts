/**
 * Coverage counters of the lockless subject, kept by watching the
 * implementation's steps through their typed fields and their effect on
 * memory (decoded with the spec's encodings): the list forms and sizes around
 * PTE_LIST_EXT that writers lock, locks taken read-only and elided, sptes
 * mapped per level and A/D mode, access tracking and its restore. Printed,
 * never asserted.
 */
import { KIND } from "../../../impl/lockless/kvm";
import { decodeSpte, headPointer, isMany } from "../../../model/lockless/encoding";
import { isAccessTracked } from "../../../model/lockless/spte_values";
import type { Machine, Observer } from "../../../runtime/machine";
import type { Step } from "../../../runtime/step";
import type { Thread } from "../../../runtime/thread";
import { decodeChain, spteAt } from "./impl_view";
import type { LocklessConfig, LocklessWorld } from "../world";

/** shadow_mmu_split_huge_page's READ_ONCE of the huge spte (impl/lockless/eager_split.ts). */
const SPLIT_READ = "shadow_mmu_split_huge_page: huge_spte = READ_ONCE(*huge_sptep)";

export class LocklessCoverage implements Observer {
  readonly counts = new Map<string, number>();
  /** Set per world before its run (the coverage outlives worlds). */
  world: LocklessWorld | null = null;

  /** A sequence or trace starts on a configuration. */
  onConfig(c: LocklessConfig): void {
    const k = c.kvm;
    this.bump(`config PTE_LIST_EXT=${k.PTE_LIST_EXT}, EPT A/D ${k.kvm_ad_enabled ? "on" : "off"}, ${k.dirtyLogging ? (k.pml ? "dirty logging with PML" : "dirty logging") : "no dirty logging"}`);
    if (k.tdp_mmu_enabled) this.bump(`config TDP MMU on${k.eager_page_split ? ", eager page splitting" : ""}`);
    if (k.nested_ept_ad_enabled) this.bump("config L1's EPT A/D on (nested A/D-enabled pages)");
  }

  bump(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  private size(n: number, ext: number): string {
    if (n < ext) return "< PTE_LIST_EXT";
    if (n === ext) return "= PTE_LIST_EXT";
    return n === ext + 1 ? "= PTE_LIST_EXT + 1" : "> PTE_LIST_EXT + 1";
  }

  afterStep(m: Machine, t: Thread, s: Step, result: number, old: number): void {
    const w = this.world;
    if (w === null || s.addr === 0) return;
    const kind = m.mem.objectAt(s.addr)?.kind;
    const writer = m.holder() === t;
    if (kind === KIND.rmapHead && s.fn === "__kvm_rmap_lock" && (s.op === "load" || s.op === "wait_clear") && result === 0) {
      this.bump(`rmap lock elided (empty rmap) by ${writer ? "an mmu_lock writer" : "a lockless reader"}`);
    } else if (kind === KIND.rmapHead && s.op === "cmpxchg" && result === s.cmp) {
      const ptr = headPointer(s.cmp);
      const n = decodeChain(w.kvm, ptr).entries.length;
      this.bump(`rmap locked ${writer ? "for write" : "read-only"}: ${isMany(ptr) ? "many form" : "single form"}`);
      if (writer && isMany(ptr)) this.bump(`list size at a writer's lock ${this.size(n, w.cfg.kvm.PTE_LIST_EXT)}`);
    } else if (kind === KIND.rmapHead && s.op === "wait_clear") {
      this.bump("rmap lock contended: a spin on KVM_RMAP_LOCKED");
    } else if (kind === KIND.spt && s.op === "load" && s.label === SPLIT_READ) {
      this.bump("huge spte split by eager page splitting (its one read)");
    } else if (kind === KIND.spt && !Number.isNaN(old)) this.onSpte(w, s, old, m.mem.peek(s.addr));
  }

  private onSpte(w: LocklessWorld, s: Step, old: number, now: number): void {
    const a = decodeSpte(old);
    const b = decodeSpte(now);
    const at = spteAt(w.kvm, s.addr);
    if (!a && b && at) this.bump(`spte mapped at level ${at.page.level}, A/D ${b.wrprotOnly ? "WRPROT_ONLY" : b.ad ? "enabled" : "disabled"}${at.page.direct ? "" : ", nested"}`);
    if (a && b && !isAccessTracked(a) && isAccessTracked(b)) this.bump("spte access-tracked by the ager");
    if (a && b && isAccessTracked(a) && !isAccessTracked(b)) this.bump(`access-tracked spte restored by ${s.fn}`);
    if (a && b && a.ad && a.accessed && !b.accessed) this.bump(`A cleared by ${s.fn}`);
    if (a && b && !a.w && b.w) this.bump(`W set by ${s.fn}`);
    if (a && !b) this.bump("spte zapped");
  }

  opStart(): void {}
  opEnd(): void {}

  table(): string {
    const rows = [...this.counts].sort((x, y) => x[0].localeCompare(y[0]));
    const w = Math.max(10, ...rows.map(([k]) => k.length));
    return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n");
  }
}
