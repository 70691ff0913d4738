/**
 * Every scenario of a scope (docs/sweep.md, "Generation"):
 *
 *  1. Set-up states: breadth-first from each configuration's initial state,
 *     every state reachable by at most `setup.depth` operations of the
 *     set-up kinds, deduplicated by the canonical key (symmetry.ts). The
 *     first sequence found (shallowest, then in generation order) is the
 *     state's set-up.
 *  2. Concurrent parts: for each state and each thread count, every choice
 *     of that many roles (one thread per role, in the subject's role order,
 *     as in the sampled mode) and for each role every sequence of 1 ..
 *     opsPerThread operations of its kinds, with arguments drawn from the
 *     state's objects (space.ts); a thread's later operations must be enabled
 *     after its earlier ones. Deduplicated by the canonical scenario key.
 *
 * Each scenario is a normal scenario (checker/exhaustive/scenario.ts),
 * validated as a file would be. The order is deterministic: fewest
 * operations first, then configuration, set-up state and generation order.
 */
import { scenarioOf, type Scenario } from "../exhaustive/scenario";
import type { Subject } from "../subject";
import { estimateCost } from "./cost";
import { locklessSpace } from "./lockless_space";
import type { Scope } from "./scope";
import { SERIES_SETUP_KINDS, seriesSpace } from "./series_space";
import type { Space, SweepState } from "./space";
import { canonicalScenario, canonicalState } from "./symmetry";
import { BadInput } from "../bad_input";

export interface SweepScenario {
  /** 0-based position in the scope's order. */
  index: number;
  config: string;
  /** Set-up state number within its configuration (BFS order). */
  state: number;
  scenario: Scenario;
  /** Set-up plus thread operations. */
  operations: number;
  /** Estimated relative cost of exploring it (cost.ts). */
  cost: number;
}

export interface ScopeCounts {
  configurations: number;
  /** Set-up sequences of enabled operations up to the depth (with multiplicity), and the distinct states they reach. */
  setupSequences: number;
  setupStates: number;
  /** Thread combinations before and after deduplication under symmetry. */
  candidates: number;
  scenarios: number;
}

export interface GeneratedScope {
  scope: Scope;
  scenarios: SweepScenario[];
  counts: ScopeCounts;
}

export function spaceOf(subject: Subject, config: unknown, scope: Scope, symmetry = true, levels?: number[]): Space {
  const args = { config, domains: levels ? { ...scope.domains, levels } : scope.domains, symmetry };
  if (subject.name === "lockless-aging") return locklessSpace(args) as unknown as Space;
  return seriesSpace(args) as unknown as Space;
}

interface Found {
  st: SweepState<unknown>;
  seq: unknown[];
  key: string;
}

/** Breadth-first set-up states of one configuration. */
function setupStates(space: Space, scope: Scope): { states: Found[]; sequences: number } {
  const kinds = scope.setup.kinds;
  const s0 = space.init();
  const k0 = canonicalState(space, s0).key;
  const states: Found[] = [{ st: s0, seq: [], key: k0 }];
  const seen = new Set([k0]);
  let level = new Map<string, { f: Found; mult: number }>([[k0, { f: states[0]!, mult: 1 }]]);
  let sequences = 1;
  for (let depth = 1; depth <= scope.setup.depth; depth++) {
    const nextLevel = new Map<string, { f: Found; mult: number }>();
    for (const { f, mult } of level.values()) {
      for (const op of space.ops(f.st, kinds)) {
        const st = space.apply(f.st, op);
        if (st === null) continue;
        sequences += mult;
        const key = canonicalState(space, st).key;
        const at = nextLevel.get(key);
        if (at !== undefined) {
          at.mult += mult;
          continue;
        }
        const found: Found = { st, seq: [...f.seq, op], key };
        nextLevel.set(key, { f: found, mult });
        if (!seen.has(key)) {
          seen.add(key);
          states.push(found);
        }
      }
    }
    level = nextLevel;
  }
  return { states, sequences };
}

/** Every sequence of 1..n operations from `alphabet`, each enabled after the ones before it. */
function threadSequences(space: Space, st: SweepState<unknown>, alphabet: unknown[], n: number): unknown[][] {
  const out: unknown[][] = [];
  const rec = (s: SweepState<unknown>, prefix: unknown[]) => {
    if (prefix.length > 0) out.push(prefix);
    if (prefix.length === n) return;
    for (const op of alphabet) {
      const after = space.apply(s, op);
      if (after !== null) rec(after, [...prefix, op]);
    }
  };
  rec(st, []);
  return out;
}

/**
 * The role sets of a state reached by `depth` set-up operations: every
 * `count` of the roles that have operations there, and the scope's further
 * sets (up to its `alsoSetupDepth`), each once, in role order.
 */
function roleSets(scope: Scope, roles: readonly string[], live: readonly string[], depth: number): string[][] {
  const also = depth <= (scope.threads.alsoSetupDepth ?? Infinity) ? scope.threads.also : [];
  const sets = [...scope.threads.counts.flatMap((t) => combinations(live, t)), ...also.map((set) => roles.filter((r) => set.includes(r)))];
  return sets.filter((set, i) => set.every((r) => live.includes(r)) && sets.findIndex((x) => x.join() === set.join()) === i);
}

function combinations<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  return xs.flatMap((x, i) => combinations(xs.slice(i + 1), k - 1).map((rest) => [x, ...rest]));
}

export function generateScope(scope: Scope): GeneratedScope {
  const subject = scope.subject;
  if (subject.name !== "lockless-aging") {
    const bad = scope.setup.kinds.find((k) => !SERIES_SETUP_KINDS.has(k));
    if (bad !== undefined) throw new BadInput(`malformed scope ${scope.name}: setup.kinds: ${bad} depends on the design's flush style; a set-up may use ${[...SERIES_SETUP_KINDS].join(", ")}`);
  }
  const out: Omit<SweepScenario, "index">[] = [];
  const counts: ScopeCounts = { configurations: scope.configs.length, setupSequences: 0, setupStates: 0, candidates: 0, scenarios: 0 };
  const roles = Object.keys(scope.roles);
  for (const c of scope.configs) {
    const space = spaceOf(subject, c.config, scope, true, c.levels);
    const { states, sequences } = setupStates(space, scope);
    counts.setupSequences += sequences;
    counts.setupStates += states.length;
    states.forEach((f, si) => {
      const sym = canonicalState(space, f.st);
      const perRole = new Map(roles.map((r) => [r, threadSequences(space, f.st, space.ops(f.st, scope.roles[r]!), scope.threads.opsPerThread)]));
      const seen = new Set<string>();
      let j = 0;
      const live = roles.filter((r) => perRole.get(r)!.length > 0);
      const distinct = roleSets(scope, roles, live, f.seq.length);
      {
        for (const chosen of distinct) {
          for (const ops of product(chosen.map((r) => perRole.get(r)!))) {
            counts.candidates++;
            const threads = chosen.map((role, i) => ({ role, ops: ops[i]! }));
            const key = canonicalScenario(space, sym, threads);
            if (seen.has(key)) continue;
            seen.add(key);
            out.push(build(scope, subject, c.name, c.config, si, j++, f.seq, threads));
          }
        }
      }
    });
  }
  const sorted = out
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.operations - b.s.operations || a.i - b.i)
    .map(({ s }, index) => ({ ...s, index }));
  counts.scenarios = sorted.length;
  return { scope, scenarios: sorted, counts };
}

/**
 * What the scope holds without the reductions: every set-up sequence (no
 * deduplication of states), every quadrant offered to every operation (no
 * fresh-quadrant rule), every thread combination (no canonical key). Counted,
 * not built: the bench compares it with ScopeCounts.scenarios.
 */
export function countWithoutReduction(scope: Scope): number {
  let total = 0;
  const roles = Object.keys(scope.roles);
  for (const c of scope.configs) {
    const space = spaceOf(scope.subject, c.config, scope, false, c.levels);
    const visit = (st: SweepState<unknown>, depth: number) => {
      const per = new Map(roles.map((r) => [r, threadSequences(space, st, space.ops(st, scope.roles[r]!), scope.threads.opsPerThread).length]));
      const live = roles.filter((r) => per.get(r)! > 0);
      const distinct = roleSets(scope, roles, live, depth);
      for (const set of distinct) total += set.reduce((k, r) => k * per.get(r)!, 1);
      if (depth === scope.setup.depth) return;
      for (const op of space.ops(st, scope.setup.kinds)) {
        const after = space.apply(st, op);
        if (after !== null) visit(after, depth + 1);
      }
    };
    visit(space.init(), 0);
  }
  return total;
}

function* product<T>(lists: readonly T[][]): Generator<T[]> {
  if (lists.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = lists;
  for (const x of first!) for (const tail of product(rest)) yield [x, ...tail];
}

type Threads = Array<{ role: string; ops: unknown[] }>;

function build(scope: Scope, subject: Subject, config: string, cfg: unknown, state: number, j: number, setup: unknown[], threads: Threads): Omit<SweepScenario, "index"> {
  const name = `${scope.name}-${config}-s${state}-t${j}`;
  const what = threads.map((th) => `${th.role}: ${th.ops.map((o) => subject.opText(o)).join("; ")}`).join(" | ");
  const setupText = setup.length === 0 ? "no set-up" : `set-up ${setup.map((o) => subject.opText(o)).join("; ")}`;
  const raw = {
    name,
    description: `Scope ${scope.name}, configuration ${config}, ${setupText}; ${what}.`,
    source: `rmapcheck sweep --scope ${scope.name} (set-up state ${state} of configuration ${config})`,
    ...(subject.name === "series" ? {} : { subject: subject.name }),
    config: cfg,
    setup,
    threads,
  };
  const scenario = scenarioOf(raw, name);
  const operations = setup.length + threads.reduce((k, th) => k + th.ops.length, 0);
  return { config, state, scenario, operations, cost: estimateCost(subject.name, threads, scope.preemptions) };
}

/** A scenario as the JSON of a scenario file (`--exhaustive --scenario FILE` reads it back). */
export function scenarioJson(s: Scenario): unknown {
  return {
    name: s.name,
    description: s.description,
    ...(s.source === undefined ? {} : { source: s.source }),
    ...(s.subject.name === "series" ? {} : { subject: s.subject.name }),
    config: s.config,
    setup: s.setup,
    threads: s.threads,
  };
}
