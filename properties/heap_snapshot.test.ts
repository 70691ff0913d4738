/**
 * The exhaustive mode's snapshot of the set-up (runtime/exhaustive/
 * heap_snapshot.ts, checker/exhaustive/program.ts): what it restores and what
 * it refuses, on made-up objects; on the scenarios, that it is taken for every
 * scenario of both subjects, that a restored state is a fresh build's after
 * a whole search, and that the verdicts, counts and counterexamples are those
 * of re-running the set-up. Small bounds: a few seconds.
 */
import { exhaustive } from "../checker/jobs/exhaustive";
import { scenarioProgram } from "../checker/exhaustive/program";
import { loadScenario, scenariosOf } from "../checker/exhaustive/scenario_files";
import { traceOf } from "../checker/exhaustive/scenario";
import { search } from "../checker/exhaustive/search";
import { resolveVariant, SUBJECTS } from "../checker/variants";
import type { Variant } from "../checker/subject";
import type { Trace } from "../checker/search/trace";
import { HeapSnapshot } from "../runtime/exhaustive/heap_snapshot";
import { loggedArray, loggedMap } from "../runtime/exhaustive/host_state";
import { Memory } from "../runtime/memory";

const taken = (roots: object[], shared: object[] = []): HeapSnapshot => {
  const s = HeapSnapshot.take(roots, shared);
  if (!(s instanceof HeapSnapshot)) throw new Error(s.unsupported);
  return s;
};

describe("HeapSnapshot on made-up state", () => {
  test("restores properties, elements, holes and entries in place, in their order", () => {
    class Box {
      n = 1;
      child: { v: number[] } = { v: [1, 2, 3] };
    }
    const box = new Box();
    const child = box.child;
    const holey: Array<number | undefined> = [];
    holey[3] = 7;
    const m = new Map<string, number>([["a", 1], ["b", 2]]);
    const set = new Set([box, child]);
    const s = taken([box, holey, m, set]);
    box.n = 5;
    box.child = { v: [] };
    child.v.push(4);
    child.v[0] = 9;
    holey[1] = 3;
    holey.push(8);
    m.delete("a");
    m.set("a", 3).set("c", 4);
    set.clear();
    s.restore();
    expect(box.n).toBe(1);
    expect(box.child).toBe(child);
    expect(child.v).toEqual([1, 2, 3]);
    expect(holey.length).toBe(4);
    expect(1 in holey).toBe(false);
    expect(holey[3]).toBe(7);
    expect([...m]).toEqual([["a", 1], ["b", 2]]);
    expect([...set]).toEqual([box, child]);
  });

  test("an execution that adds or deletes a property of saved state throws (sealed); shared objects are left alone", () => {
    const shared = { table: { x: 1 } };
    const state = { ref: shared.table, more: { y: 2 } };
    taken([state], [shared]);
    expect(() => {
      (state.more as Record<string, number>).z = 3;
    }).toThrow(TypeError);
    expect(() => {
      delete (state as Partial<typeof state>).more;
    }).toThrow(TypeError);
    expect(Object.isSealed(shared.table)).toBe(false);
  });

  test("the exhaustive mode's host-state proxies are restored through the proxy", () => {
    const mem = new Memory();
    const list = loggedArray([1, 2], mem, 2);
    const map = loggedMap(new Map([[1, [5]]]), mem, 2);
    const s = taken([list, map]);
    list.push(3);
    map.set(2, []);
    map.get(1)!.push(6);
    s.restore();
    expect([...list]).toEqual([1, 2]);
    expect([...map]).toEqual([[1, [5]]]);
  });

  test.each<[string, () => object]>([
    ["a generator", () => ({ g: (function* () {})() })],
    ["a typed array", () => ({ a: new Uint32Array(2) })],
    ["an accessor property", () => Object.defineProperty({}, "x", { get: () => 1, enumerable: true })],
    ["a proxy of an object", () => ({ p: new Proxy({}, {}) })],
    ["an array with other properties", () => Object.assign([1], { extra: 2 })],
    ["a map with properties", () => Object.assign(new Map(), { extra: 2 })],
    ["an error", () => ({ e: new Error("x") })],
  ])("refuses %s (it could not restore it exactly)", (_, make) => {
    const r = HeapSnapshot.take([make()], []);
    expect(r).not.toBeInstanceOf(HeapSnapshot);
  });
});

/** Compare two object graphs by structure: same shapes, primitives, entries in order; `shared` objects by identity. */
function sameGraph(a: unknown, b: unknown, shared: Set<unknown>, seen = new Map<unknown, unknown>(), path = "root"): string | null {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    if (typeof a === "function" && typeof b === "function") return a.toString() === b.toString() ? null : `${path}: different functions`;
    return Object.is(a, b) ? null : `${path}: ${String(a)} against ${String(b)}`;
  }
  if (shared.has(a) || shared.has(b)) return a === b ? null : `${path}: not the shared object`;
  if (seen.has(a)) return seen.get(a) === b ? null : `${path}: aliasing differs`;
  seen.set(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototypes differ`;
  const entries = (o: object): Array<[unknown, unknown]> =>
    o instanceof Map ? [...o] : o instanceof Set ? [...o].map((x, i) => [i, x]) : Reflect.ownKeys(o).map((k) => [k, (o as Record<PropertyKey, unknown>)[k]]);
  const ea = entries(a);
  const eb = entries(b);
  if (ea.length !== eb.length) return `${path}: ${ea.length} entries against ${eb.length}`;
  for (let i = 0; i < ea.length; i++) {
    const why = sameGraph(ea[i]![0], eb[i]![0], shared, seen, `${path}.key${i}`) ?? sameGraph(ea[i]![1], eb[i]![1], shared, seen, `${path}.${String(ea[i]![0])}`);
    if (why !== null) return why;
  }
  return null;
}

/** Everything reachable from the variant and the trace (never saved, compared by identity). */
function sharedOf(v: Variant, t: Trace): Set<unknown> {
  const out = new Set<unknown>();
  const stack: unknown[] = [v, t];
  while (stack.length > 0) {
    const o = stack.pop();
    if (o === null || typeof o !== "object" || out.has(o)) continue;
    out.add(o);
    if (o instanceof Map) for (const e of o) stack.push(...e);
    else if (o instanceof Set) stack.push(...o);
    else for (const k of Reflect.ownKeys(o)) stack.push(Object.getOwnPropertyDescriptor(o, k)?.value);
  }
  return out;
}

const variantOf = (subject: (typeof SUBJECTS)[number], design: string): Variant => resolveVariant(design, null, subject);

describe("the snapshot on the scenarios", () => {
  test("every scenario of both subjects can be saved (the snapshot is not silently refused)", () => {
    for (const subject of SUBJECTS) {
      const v = variantOf(subject, subject.defaultDesign);
      for (const scenario of scenariosOf(subject)) {
        const t = traceOf(scenario, v.design.name);
        const built = subject.build(t, v, { tso: false, full: false });
        built.machine.observers.push(built.checker);
        built.setup();
        built.exhaustiveOnly?.();
        const s = HeapSnapshot.take([built.machine, built.threads, built.checker, ...(built.state ?? [])], [v, t]);
        expect([scenario.name, s instanceof HeapSnapshot ? "saved" : s.unsupported]).toEqual([scenario.name, "saved"]);
      }
    }
  });

  test.each([
    ["series", "unmap-direct", "v3-fixed"],
    ["lockless-aging", "lockless-age-vs-zap", "merged"],
  ])("%s %s: after a whole search, the restored state is a fresh build's after its set-up", (subjectName, scenarioName, design) => {
    const subject = SUBJECTS.find((s) => s.name === subjectName)!;
    const v = variantOf(subject, design);
    const t = traceOf(loadScenario(scenarioName), design);
    const program = scenarioProgram(t, v);
    const r = search(program, { bound: 1 });
    expect(r.stats.executions).toBeGreaterThan(10);
    const restored = program.start();
    const fresh = scenarioProgram(t, v, { rerunSetup: true }).start();
    if ("setupFailure" in restored || "setupFailure" in fresh) throw new Error("set-up failed");
    const shared = sharedOf(v, t);
    expect(sameGraph(restored.machine, fresh.machine, shared)).toBeNull();
    // The comparison sees a difference deep in the state: one word of simulated memory.
    const obj = fresh.machine.mem.objects[1]!;
    fresh.machine.mem.write(obj.base, null, fresh.machine.mem.peek(obj.base) + 1, "test");
    expect(sameGraph(restored.machine, fresh.machine, shared)).toMatch(/against/);
  });

  test.each([
    ["series", "unmap-direct", "v3", null],
    ["series", "f1-destroy-vs-shrink", "v3", null],
    ["lockless-aging", "lockless-age-vs-zap", "merged", null],
    ["lockless-aging", "lockless-k7-ad-disabled", "index-walk", null],
  ])("%s %s %s: verdict, counts and counterexample as when every execution re-runs the set-up", (subjectName, scenarioName, design) => {
    const subject = SUBJECTS.find((s) => s.name === subjectName)!;
    const req = { variant: variantOf(subject, design), scenario: loadScenario(scenarioName), preemptions: 1 };
    const strip = (o: ReturnType<typeof exhaustive>) => ({ ...o, summary: { ...o.summary, timing: null }, text: o.text.replace(/\d+ s\b/g, "T") });
    expect(strip(exhaustive(req))).toEqual(strip(exhaustive({ ...req, rerunSetup: true })));
  });
});
