/**
 * INV-GEN-ZAPPED (model/invariants.ts), for the designs whose flush zaps the
 * obsolete pages (3.11): a thread's stores to kvm->arch.mmu_valid_gen are
 * remembered; once its operation has returned, no shadow page on
 * kvm->arch.active_mmu_pages older than the generation it installed may be
 * unzapped (role.invalid clear), then or at any later operation's end.
 *
 * Only pages on active_mmu_pages count: a page a vCPU has allocated but not
 * yet given its generation and listed (kvm_mmu_get_page, under mmu_lock) is
 * not yet a shadow page anyone can reach, and it will read the generation
 * under the same lock as the bump. Checking every allocated page was a false
 * alarm (pinned in properties/corpus/fixed/merged-3.11-INV-GEN-ZAPPED-unlisted-seed7.json).
 * The obligation stays after the operation returns, so a page listed later
 * with an old generation is still caught, at the end of the operation that
 * listed it. (INV-GEN-CURRENT is a per-spte rule of model/spte_rules.ts.)
 */
import { KVM, type Kvm } from "../../../../impl/kvm";
import type { Thread } from "../../../../runtime/thread";
import { Violation } from "../../../violation";
import { liveSps } from "../impl_state";

export class GenerationRules {
  /** The generation each thread last installed, in its current operation. */
  private readonly bumped = new Map<Thread, number>();
  /** The newest generation installed by an operation that has returned. */
  private required = 0;
  /** Which operation installed `required`, for the message. */
  private requiredBy = "";

  constructor(private readonly kvm: Kvm, private readonly zapsObsolete: boolean, private readonly count: () => void) {}

  /** A write to struct kvm by t: remember a new mmu_valid_gen. */
  onKvmWrite(t: Thread, addr: number, now: number): void {
    if (addr === this.kvm.field(KVM.mmu_valid_gen)) this.bumped.set(t, now);
  }

  /** t's operation `what` ended. */
  /** `what()`: the operation's text, formatted only when a page it leaves unzapped is reported. */
  onOpEnd(t: Thread, what: () => string): void {
    const gen = this.bumped.get(t);
    this.bumped.delete(t);
    if (!this.zapsObsolete) return;
    if (gen !== undefined && gen > this.required) {
      this.required = gen;
      this.requiredBy = `${t.name}: ${what()}`;
    }
    if (this.required === 0) return;
    this.count();
    const listed = new Set(this.kvm.active_mmu_pages);
    for (const sp of liveSps(this.kvm)) {
      if (listed.has(sp.addr) && sp.gen < this.required && !sp.invalid) {
        const when = this.requiredBy === `${t.name}: ${what()}` ? "" : ` (checked at the end of ${t.name}: ${what()})`;
        throw new Violation("INV-GEN-ZAPPED", `${this.requiredBy} installed generation ${this.required} and returned, but sp${sp.id} of generation ${sp.gen} is still listed and not zapped${when}`);
      }
    }
  }
}
