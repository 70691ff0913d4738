/**
 * Nested A/D-enabled pages and SPTE_TDP_AD_WRPROT_ONLY (issue 20, U2; U1):
 * a nested page's role.ad_disabled follows L1's EPTP A/D bit (config
 * nested_ept_ad_enabled, default off = the behaviour before it existed); under
 * PML make_spte gives its sptes the WRPROT_ONLY type, which the harvest
 * write-protects and the ager treats as A/D-enabled. Every writable spte has D
 * (6.13, 85649117511d). The correct designs are verified on the WRPROT_ONLY
 * scenarios within one preemption here (two by the CLI: docs/findings-lockless.md),
 * and each mutant of origin u2 is pinned at its fewest preemptions (docs/mutants.md).
 */
import { exhaustive, loadScenario } from "../checker";
import { fewestPreemptions } from "../checker/jobs/mutants";
import { locklessConfigSchema } from "../checker/lockless/file_schema";
import { livePages } from "../checker/lockless/oracle/impl_view";
import type { LocklessTrace } from "../checker/lockless/trace_build";
import { ROLES } from "../checker/lockless/trace_build";
import type { LocklessConfig } from "../checker/lockless/world";
import { LOCKLESS_MUTANTS } from "../impl/lockless/mutants";
import { decodeSpte } from "../model/lockless/encoding";
import type { LocklessOp } from "../model/lockless/operations";
import { runObserved, lvariant } from "./lockless_support";

const U2 = LOCKLESS_MUTANTS.filter((m) => m.origin === "u2");
const SCENARIOS = [
  "lockless-wrprot-only-age-vs-harvest",
  "lockless-wrprot-only-fast-pf-vs-harvest",
  "lockless-wrprot-only-fault-vs-harvest",
  "lockless-wrprot-only-no-pml",
];
/** Fewest preemptions (exhaustive, bound 2) and the invariant: what docs/mutants.md states. */
const FEWEST: Record<string, [number, string]> = {
  "clear-dirty-ignores-wrprot-only": [0, "SPTE-STEP"],
  "no-wrprot-only-for-l2": [0, "SPTE-STEP"],
  "ad-need-wp-ignores-pml": [0, "SPTE-STEP"],
};

const fault = (nested: boolean, write = true): LocklessOp => ({ kind: "page_fault", gfn: 0, level: 1, quadrant: 0, write, nested });

/** The sptes the implementation's memory holds after `setup` alone, decoded with the spec's encoding, by page role. */
type Seen = { direct: boolean; adDisabled: boolean; v: ReturnType<typeof decodeSpte> };
function sptesAfter(config: LocklessConfig, setup: LocklessOp[]): Seen[] {
  const threads = ROLES.map((role) => ({ role, ops: [] }));
  const trace: LocklessTrace = { subject: "lockless-aging", design: "merged-aligned-callers", config, setup, threads, preemptions: [] };
  const r = runObserved(trace, lvariant("merged-aligned-callers"));
  expect(r.violation).toBeNull();
  const kvm = r.world.kvm;
  return livePages(kvm).map((p) => ({ direct: p.direct, adDisabled: p.adDisabled, v: decodeSpte(kvm.mem.peek(p.spt)) }));
}

const base = (over: Partial<LocklessConfig["kvm"]>): LocklessConfig => ({
  kvm: { ...(loadScenario("lockless-wrprot-only-age-vs-harvest").config as LocklessConfig).kvm, ...over },
  slot: { baseGfn: 0, npages: 1, userspaceAddr: 64 },
});

describe("nested A/D-enabled pages and SPTE_TDP_AD_WRPROT_ONLY", () => {
  test("without nested_ept_ad_enabled a nested page stays A/D-disabled (the old default), and its writable spte has D (U1)", () => {
    const { nested_ept_ad_enabled: _, ...kvm } = base({}).kvm;
    const [sp] = sptesAfter({ ...base({}), kvm }, [fault(true)]);
    expect(sp.adDisabled).toBe(true);
    expect(sp.v).toMatchObject({ ad: false, wrprotOnly: false, w: true, dirty: true });
  });

  test("with L1's EPT A/D and PML a nested spte is WRPROT_ONLY, a direct one plainly A/D-enabled; without PML neither is WRPROT_ONLY", () => {
    const got = sptesAfter(base({}), [fault(false), fault(true)]);
    expect(got.find((p) => !p.direct)?.v).toMatchObject({ ad: true, wrprotOnly: true, w: true, dirty: true });
    expect(got.find((p) => p.direct)?.v).toMatchObject({ ad: true, wrprotOnly: false });
    expect(sptesAfter(base({ pml: false }), [fault(true)])[0].v).toMatchObject({ ad: true, wrprotOnly: false });
  });

  test("the PML harvest write-protects a WRPROT_ONLY spte and clears D of the A/D-enabled one", () => {
    const got = sptesAfter(base({}), [fault(false), fault(true), { kind: "get_dirty_log", gfn: 0 }]);
    expect(got.find((p) => !p.direct)?.v).toMatchObject({ wrprotOnly: true, w: false, dirty: true, mmuWritable: true });
    expect(got.find((p) => p.direct)?.v).toMatchObject({ wrprotOnly: false, w: true, dirty: false });
  });

  test("a configuration with nested_ept_ad_enabled but no EPT A/D is refused", () => {
    const c = base({ kvm_ad_enabled: false, pml: false });
    expect(locklessConfigSchema.safeParse(c).success).toBe(false);
    expect(locklessConfigSchema.safeParse(base({})).success).toBe(true);
  });

  for (const design of ["merged-aligned-callers", "index-walk", "merged-one-read"]) {
    for (const name of SCENARIOS) {
      test(`${design} is verified on ${name} within one preemption`, () => {
        const s = exhaustive({ variant: lvariant(design), scenario: loadScenario(name), preemptions: 1 }).summary;
        expect(s.verdict).toBe("verified");
      });
    }
  }

  // A WRPROT_ONLY spte changes without mmu_lock only in A (and in D when writable, which make_spte already set),
  // so no u2 mutant needs a preemption; but a stale write-back of the ager undoes the harvest's W clear.
  test("age-store-from-snapshot gives back the W the harvest took from a WRPROT_ONLY spte: 1 preemption, none with 0", () => {
    const at = (k: number) => exhaustive({ variant: lvariant(null, "age-store-from-snapshot"), scenario: loadScenario(SCENARIOS[0]), preemptions: k }).summary;
    expect(at(0).verdict).toBe("verified");
    expect(at(1).violation?.invariant).toBe("SPTE-STEP");
  });

  test("the mutants of origin u2 are the ones pinned here, each with a scenario", () => {
    expect(U2.map((m) => m.name).sort()).toEqual(Object.keys(FEWEST).sort());
  });

  for (const m of U2) {
    test(`${m.name}: shown on ${m.scenario} with ${FEWEST[m.name][0]} preemption(s) as ${FEWEST[m.name][1]}`, () => {
      const [fewest, invariant] = FEWEST[m.name];
      expect(fewestPreemptions(lvariant(null, m.name))).toEqual({ scenario: m.scenario, fewestPreemptions: fewest });
      const s = exhaustive({ variant: lvariant(null, m.name), scenario: loadScenario(m.scenario!), preemptions: fewest }).summary;
      expect(s.violation?.invariant).toBe(invariant);
    });
  }
});
