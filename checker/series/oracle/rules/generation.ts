/**
 * INV-GEN-ZAPPED (model/invariants.ts), for the designs whose flush zaps the
 * obsolete pages (3.11): a thread's stores to kvm->arch.mmu_valid_gen are
 * remembered; when its operation ends, no live shadow page older than the
 * generation it installed may still be unzapped (role.invalid clear).
 * (INV-GEN-CURRENT is a per-spte rule of model/spte_rules.ts.)
 */
import { KVM, type Kvm } from "../../../../impl/kvm";
import type { Thread } from "../../../../runtime/thread";
import { Violation } from "../../../violation";
import { liveSps } from "../impl_state";

export class GenerationRules {
  /** The generation each thread last installed, in its current operation. */
  private readonly bumped = new Map<Thread, number>();

  constructor(private readonly kvm: Kvm, private readonly zapsObsolete: boolean, private readonly count: () => void) {}

  /** A write to struct kvm by t: remember a new mmu_valid_gen. */
  onKvmWrite(t: Thread, addr: number, now: number): void {
    if (addr === this.kvm.field(KVM.mmu_valid_gen)) this.bumped.set(t, now);
  }

  /** t's operation `what` ended. */
  onOpEnd(t: Thread, what: string): void {
    const gen = this.bumped.get(t);
    this.bumped.delete(t);
    if (!this.zapsObsolete || gen === undefined) return;
    this.count();
    for (const sp of liveSps(this.kvm)) {
      if (sp.gen < gen && !sp.invalid) {
        throw new Violation("INV-GEN-ZAPPED", `${t.name}: ${what} installed generation ${gen} and returned, but sp${sp.id} of generation ${sp.gen} is still live and not zapped`);
      }
    }
  }
}
