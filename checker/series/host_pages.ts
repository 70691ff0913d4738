/**
 * The host pages' ghost state: which pfns kvm_set_pfn_accessed and
 * kvm_set_pfn_dirty were called for. impl/ makes these calls as ghost steps
 * (impl/steps.ts); this observer, attached to every world, records them.
 */
import type { PageFlags } from "../../model/state";
import type { Machine, Observer } from "../../runtime/machine";
import type { Step } from "../../runtime/step";
import type { Thread } from "../../runtime/thread";

export class HostPages implements Observer {
  readonly pfns = new Map<number, PageFlags>();

  afterStep(m: Machine, t: Thread, s: Step): void {
    if (s.op !== "ghost") return;
    if (s.fn === "kvm_set_pfn_accessed") this.set(s.val, true, false);
    else if (s.fn === "kvm_set_pfn_dirty") this.set(s.val, false, true);
  }

  private set(pfn: number, accessed: boolean, dirty: boolean): void {
    const p = this.pfns.get(pfn) ?? { accessed: false, dirty: false };
    this.pfns.set(pfn, { accessed: p.accessed || accessed, dirty: p.dirty || dirty });
  }

  opStart(): void {}
  opEnd(): void {}
}
