/**
 * A scope: the bounds a sweep explores every scenario within (docs/sweep.md).
 * Scopes are JSON files of the repository's `scopes/` folder (or any file):
 *
 *   { "name": "series-s1", "description": "...", "subject": "series",
 *     "configs": [ { "name": "ext3", "config": {...} }, ... ],
 *     "setup": { "depth": 2, "kinds": ["page_fault"] },
 *     "threads": { "counts": [2], "opsPerThread": 1, "also": [["ioctl", "zapper", "hw"]], "alsoSetupDepth": 1 },
 *     "roles": { "ioctl": ["delete_slot", "destroy_vm"], "zapper": ["zap_page"] },
 *     "domains": { "levels": [1], "quadrants": 2, "write": [true], "which": ["oldest"] },
 *     "preemptions": 2 }
 *
 * Each configuration is validated by the subject's own configuration schema,
 * as in a scenario file; operation kinds by the subject's operation kinds;
 * roles by the subject's roles. Malformed files are BadInput in one line.
 */
import { join } from "node:path";
import { z } from "zod";
import { BadInput } from "../bad_input";
import { readJsonFile } from "../json_file";
import { jsonNames, repoFolder } from "../repo_folder";
import { validatedFile } from "../subject_file";
import type { Subject } from "../subject";
import { DEFAULT_SUBJECT } from "../variants";

export interface ScopeConfig {
  name: string;
  config: unknown;
  /** This configuration's page-size levels, where they differ from the scope's (Domains.levels). */
  levels?: number[];
}

export interface Scope {
  name: string;
  description: string;
  subject: Subject;
  configs: ScopeConfig[];
  /** Set-up states: every state reachable by at most `depth` operations of these kinds. */
  setup: { depth: number; kinds: string[] };
  /**
   * How many threads run concurrently (every choice of that many roles, for
   * each count), at most how many operations each runs, and further role
   * sets explored as well (a triple of chosen actors where every triple
   * would be too many), the latter only from set-up states of at most
   * `alsoSetupDepth` operations (default: every set-up state).
   */
  threads: { counts: number[]; opsPerThread: number; also: string[][]; alsoSetupDepth?: number };
  /** The operation kinds each role's thread may run; at most one thread per role. */
  roles: Record<string, string[]>;
  domains: Domains;
  /** The exhaustive mode's preemption bound for every scenario. */
  preemptions: number;
}

export interface Domains {
  /** Page-size levels of faults, accesses and zaps. */
  levels: number[];
  /** How many distinct quadrants (shadow-page roles) may exist; one unused quadrant stands for all unused ones. */
  quadrants: number;
  /** Values of the `write` argument. */
  write: boolean[];
  /** series zap_page: which of several pages of one role. */
  which: Array<"oldest" | "newest">;
  /** lockless page_fault/hw_access: nested (shadowing L1's EPT) values. */
  nested: boolean[];
  /** Add one argument naming nothing that exists (a gfn outside the slots, a page not allocated). */
  absent: boolean;
}

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lower-case letters, digits and dashes");
const kinds = z.array(z.string()).min(1);

const scopeSchema = z.strictObject({
  name,
  description: z.string().min(1, "must be a sentence"),
  subject: z.string().optional(),
  configs: z.array(z.strictObject({ name, config: z.unknown(), levels: z.array(z.number().int().min(1).max(5)).min(1).optional() })).min(1),
  setup: z.strictObject({ depth: z.number().int().min(0).max(4), kinds }),
  threads: z.strictObject({
    counts: z.array(z.number().int().min(1).max(4)),
    opsPerThread: z.number().int().min(1).max(3),
    also: z.array(z.array(z.string()).min(1)).default([]),
    alsoSetupDepth: z.number().int().min(0).max(4).optional(),
  }),
  roles: z.record(z.string(), kinds),
  domains: z.strictObject({
    levels: z.array(z.number().int().min(1).max(5)).min(1),
    quadrants: z.number().int().min(1).max(3),
    write: z.array(z.boolean()).min(1),
    which: z.array(z.enum(["oldest", "newest"])).default(["oldest"]),
    nested: z.array(z.boolean()).default([false]),
    absent: z.boolean().default(true),
  }),
  preemptions: z.number().int().min(0).max(4),
});

/** The operation kinds a subject's file schema accepts (its discriminated union's options). */
export function opKinds(subject: Subject): string[] {
  const def = (subject.opSchema as unknown as { options?: Array<{ shape?: { kind?: { value?: string } }; def?: { in?: { shape?: { kind?: { value?: string } } } } }> }).options ?? [];
  return def.map((o) => o.shape?.kind?.value ?? o.def?.in?.shape?.kind?.value).filter((k): k is string => typeof k === "string");
}

/** Validate parsed JSON as a scope; `where` names it in messages. */
export function scopeOf(raw: unknown, where: string): Scope {
  const { data: f, subject, bad } = validatedFile(scopeSchema, raw, "scope", where);
  const known = new Set(opKinds(subject));
  f.configs.forEach((c, i) => {
    const r = subject.configSchema.safeParse(c.config);
    if (!r.success) bad(`configs.${i}.config.${r.error.issues[0]!.path.map(String).join(".")}`, r.error.issues[0]!.message);
    if (f.configs.findIndex((d) => d.name === c.name) !== i) bad(`configs.${i}.name`, `"${c.name}" appears twice`);
  });
  f.setup.kinds.forEach((k, i) => {
    if (!known.has(k)) bad(`setup.kinds.${i}`, `unknown operation kind "${k}" of subject ${subject.name}`);
  });
  for (const [role, ks] of Object.entries(f.roles)) {
    if (!subject.roles.includes(role)) bad(`roles.${role}`, `unknown role (one of: ${subject.roles.join(", ")})`);
    ks.forEach((k, i) => {
      if (!known.has(k)) bad(`roles.${role}.${i}`, `unknown operation kind "${k}" of subject ${subject.name}`);
    });
  }
  f.threads.also.forEach((set, i) => {
    set.forEach((r, j) => {
      if (f.roles[r] === undefined) bad(`threads.also.${i}.${j}`, `role "${r}" has no operation kinds in this scope`);
    });
    if (new Set(set).size !== set.length) bad(`threads.also.${i}`, "a role appears twice (one thread per role)");
  });
  if (f.threads.alsoSetupDepth !== undefined && f.threads.also.length === 0) bad("threads.alsoSetupDepth", "given without threads.also");
  if (f.threads.counts.length === 0 && f.threads.also.length === 0) bad("threads", "no thread count and no role set: no scenario");
  const roles = Object.keys(f.roles).length;
  f.threads.counts.forEach((n, i) => {
    if (n > roles) bad(`threads.counts.${i}`, `${n} threads but only ${roles} roles (at most one thread per role)`);
  });
  return {
    name: f.name,
    description: f.description,
    subject: subject ?? DEFAULT_SUBJECT,
    configs: f.configs.map((c) => ({ name: c.name, config: c.config, ...(c.levels ? { levels: c.levels } : {}) })),
    setup: f.setup,
    threads: { counts: f.threads.counts, opsPerThread: f.threads.opsPerThread, also: f.threads.also, ...(f.threads.alsoSetupDepth === undefined ? {} : { alsoSetupDepth: f.threads.alsoSetupDepth }) },
    // Roles in the subject's fixed order, whatever the file's order.
    roles: Object.fromEntries(subject.roles.filter((r) => f.roles[r] !== undefined).map((r) => [r, f.roles[r]!])),
    domains: f.domains,
    preemptions: f.preemptions,
  };
}

const scopesDir = (): string => repoFolder("scopes");

/** The named scopes of scopes/, sorted. */
export const scopeNames = (): string[] => jsonNames(scopesDir());

/** A scope by name (`series-s1`) or by path (anything with a `/` or ending in `.json`). */
export function loadScope(nameOrFile: string): Scope {
  if (nameOrFile.includes("/") || nameOrFile.endsWith(".json")) return scopeOf(readJsonFile(nameOrFile, "scope"), nameOrFile);
  const names = scopeNames();
  if (!names.includes(nameOrFile)) throw new BadInput(`unknown scope "${nameOrFile}" (one of: ${names.join(", ")}; or a scope file)`);
  const s = scopeOf(readJsonFile(join(scopesDir(), `${nameOrFile}.json`), "scope"), `${nameOrFile}.json`);
  if (s.name !== nameOrFile) throw new BadInput(`malformed scope ${nameOrFile}.json: its name is "${s.name}"`);
  return s;
}
