/**
 * An operation of a trace whose text (the kernel call, e.g.
 * `kvm_mmu_page_fault(gfn=0x3, ...)`) is formatted when read: most runs
 * never print it. A class, because V8 makes object literals with a getter
 * slow. Each subject supplies its formatter and its runner.
 */
import type { KGen } from "../../runtime/step";
import type { Operation } from "../../runtime/thread";

export class LazyTextOperation<W, D> implements Operation<number> {
  constructor(
    private readonly w: W,
    readonly desc: D,
    private readonly format: (d: D) => string,
    private readonly run: (w: W, d: D) => KGen<number>,
  ) {}

  get text(): string {
    return this.format(this.desc);
  }

  start(): KGen<number> {
    return this.run(this.w, this.desc);
  }
}
