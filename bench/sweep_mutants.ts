/**
 * npm run bench -- sweep-mutants: which scope, and which smallest scenario,
 * catches each catalogued mutant of both subjects (docs/mutants.md, between
 * the markers sweep-mutants). Each mutant is swept as a user would sweep it
 * (`rmapcheck sweep --scope S --mutant M --json`, on top of its own design),
 * first within its subject's -s1 scope, then, if -s1 verifies it, within -s2.
 * The commands run through GNU parallel -j 2 (one after the other without
 * it), a few at a time; the block is rewritten after each batch, so an
 * interrupted bench keeps the rows it measured. Mutants that need x86-TSO are
 * listed as such: the sweep explores sequential consistency only.
 *
 * BENCH_SWEEP_MUTANTS=name,... reruns those rows only (the others stay as
 * last measured; `rest`: those not measured yet; `none`: only rewrite the
 * block); BENCH_SWEEP_MUTANTS_FROM=s2 starts a chosen mutant that -s1
 * verified at -s2; BENCH_SUBJECT=NAME limits it to one subject. A mutant that
 * -s1 verifies for a reason of what the scopes hold is not swept within -s2
 * when -s2 has -s1's alphabet (sameAlphabet): the row says so.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { docBlock, generateScope, listing, loadScope, SUBJECTS, withDocBlock, type SweepScenario, type SweepSummary } from "../checker";

const DOC = "docs/mutants.md";
const BLOCK = "sweep-mutants";
const BIN = join(__dirname, "..", "dist", "cli", "main.js");
/** Commands per parallel batch: the block is rewritten after each. */
const BATCH = 4;

/**
 * Mutants no scenario of the -s1 and -s2 scopes can show, by the code they
 * replace: the scopes have no operation or configuration that reaches it
 * (docs/sweep.md, "Shipped scopes"). They are swept last, to confirm it;
 * the reason is printed beside the verdict.
 */
const NONE_EXPECTED: Record<string, string> = {
  "shadow-ignores-invalid-slot": "the scopes run no `shadow_gfn`: no indirect shadow page is write-protected",
  "set-pte-keeps-writable": "the scopes run no `set_spte_hva` (change_pte), the only caller of kvm_set_pte_rmapp",
  "invalid-set-pte-remaps": "the scopes run no `set_spte_hva` (change_pte)",
  "test-age-clears-accessed:series": "the series scopes run no `test_age_hva`",
  "rmap-add-wrong-level": "every spte of the scopes is 4K (levels [1]): filing under level 1 is right for all of them",
  "unmap-slot-level1-only": "no large-page spte exists in the scopes (levels [1]), so the large-page rmaps are empty",
  "gfn-to-index-offset-shift": "every series slot of the scopes starts on a large-page boundary (gfn 0 and 8)",
  "fast-pf-no-dirty-mark": "no lockless configuration of -s1/-s2 logs dirty pages",
  "atomic-ignores-dirty": "the CPU's D-bit race needs PML dirty logging, in no configuration of -s1/-s2",
  "clear-dirty-plain-store": "the scopes run no `get_dirty_log` (the only caller of __rmap_clear_dirty)",
  "wp-keeps-mmu-writable": "the scopes run no `write_protect_gfn`",
  "fast-pf-marks-dirty-first": "no configuration logs dirty pages and no harvest runs",
  "dirty-log-protect-before-xchg": "the scopes run no `get_dirty_log`",
  "fast-pf-retry-stale": "the race needs write tracking (`write_protect_gfn`), which the scopes do not run",
  "atomic-ignores-fast-pf": "the lost W needs write tracking (`write_protect_gfn`) against the fast page fault",
  "update-checks-new-spte": "the lost W needs write tracking (`write_protect_gfn`) against the fast page fault",
  "age-at-retry-stale": "the restore shows only over write tracking (`write_protect_gfn`)",
  "new-head-tail-count-zero": "a new head desc needs a third spte in one rmap; the scopes make at most two per gfn (two quadrants), which PTE_LIST_EXT 2 keeps in one desc",
  "full-head-reused": "a full head desc needs a third spte in one rmap; the scopes make at most two per gfn (two quadrants)",
  "drop-head-forgets-more": "a head desc with a `more` needs a third spte in one rmap; the scopes make at most two per gfn (two quadrants)",
  "remove-backfills-within-desc": "a back-fill from a tail desc needs a third spte in one rmap; the scopes make at most two per gfn (two quadrants)",
  "get-page-reuses-obsolete":
    "the reused obsolete page must take a new spte, for a gfn of its page not mapped yet, but every slot of the series scopes -s1/-s2 has one page, whose spte the set-up made (a 2-page slot: fault gfn 0 in quadrants 0 and 1; `invalid_all_pages` \\| fault gfn 1 in quadrant 1 gives INV-GEN-CURRENT with 1 preemption; series-s3 has such slots)",
  "fast-pf-ignores-mmu-writable": "every spte of the scopes is made by a writable fault and stays MMU-writable: no write tracking, no read-only fault",
};
/**
 * Mutants the sweep cannot catch because of what the concurrent checks
 * check, not what the scopes hold: found by this bench (a mutant verified
 * within -s1 that the sampled mode catches sequentially).
 */
const CHECKER_LIMIT: Record<string, string> = {
  // (hva-range-misses-last was one until the series checked INV-UNMAP and INV-AGE in concurrent runs:
  // checker/series/oracle/notifier_calls.ts; memslots-have-rmaps-tdp-only until the lockless checks checked
  // UNMAP-RANGE: checker/lockless/oracle/unmap_calls.ts.)
};
const noneExpected = (subject: string, mutant: string): string | undefined => CHECKER_LIMIT[`${mutant}:${subject}`] ?? noneExpectedByScope(subject, mutant);
const noneExpectedByScope = (subject: string, mutant: string): string | undefined => NONE_EXPECTED[`${mutant}:${subject}`] ?? (subject === "series" && mutant === "test-age-clears-accessed" ? undefined : NONE_EXPECTED[mutant]);

const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const load = () => loadavg().map((x) => x.toFixed(1)).join(" ");
/**
 * Mutants whose code only a scope of its own reaches (lockless-tdp-s1: the TDP MMU's gates, kvm_zap_gfn_range):
 * swept there instead of -s1, and not within -s2 after it (-s2 has -s1's alphabet).
 */
const OWN_SCOPE: Record<string, string> = {
  "may-have-shadow-sptes-tdp-only": "lockless-tdp-s1",
  "memslots-have-rmaps-tdp-only": "lockless-tdp-s1",
  "test-age-drops-tdp-young": "lockless-tdp-s1",
  "account-shadowed-after-rmap-add": "lockless-tdp-s1",
  "zap-gfn-range-outside-invalidation": "lockless-tdp-s1",
};
const scopesOf = (subject: string): [string, string] => (subject === "series" ? ["series-s1", "series-s2"] : ["lockless-s1", "lockless-s2"]);

/**
 * Does the subject's -s2 scope have exactly -s1's configurations, set-up kinds, operation kinds and
 * argument domains (it adds threads only)? Then a mutant that -s1 verifies for a reason of what the
 * scopes hold (NONE_EXPECTED: an operation or configuration none of them has) is not swept within -s2:
 * its triples draw from the same alphabet, so the reason holds there too.
 */
function sameAlphabet(subject: string): boolean {
  const [a, b] = scopesOf(subject).map((n) => loadScope(n));
  const kinds = (x: typeof a) => [...new Set(Object.values(x.roles).flat())].sort();
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  return same(a!.configs, b!.configs) && same(a!.setup, b!.setup) && same(kinds(a!), kinds(b!)) && same(a!.domains, b!.domains);
}
const alphabetNote = (subject: string) => {
  const [s1, s2] = scopesOf(subject);
  return `${s2} not swept: it has ${s1}'s configurations, set-up, operation kinds and argument domains (it adds triples only), so the reason holds there too`;
};
/** A mutant verified within -s1 whose reason of scope -s2 shares: not worth an -s2 sweep. */
const skipS2 = (subject: string, mutant: string): boolean => noneExpectedByScope(subject, mutant) !== undefined && sameAlphabet(subject);

interface Job {
  subject: string;
  mutant: string;
  design: string;
  scope: string;
  file: string;
}

function hasParallel(): boolean {
  return spawnSync("parallel", ["--version"], { encoding: "utf8" }).status === 0;
}

function runJobs(jobs: readonly Job[], dir: string): void {
  const line = (j: Job) => `${process.execPath} ${BIN} sweep --scope ${j.scope} --mutant ${j.mutant} --out ${join(dir, "cx")} --json > ${j.file} 2>/dev/null`;
  const env = { ...process.env, INIT_CWD: dir };
  if (hasParallel()) spawnSync("parallel", ["-j", "2"], { input: jobs.map(line).join("\n"), cwd: dir, env, stdio: ["pipe", "ignore", "ignore"] });
  else for (const j of jobs) spawnSync("sh", ["-c", line(j)], { cwd: dir, env, stdio: "ignore" });
}

function result(j: Job): SweepSummary | null {
  try {
    if (statSync(j.file).size === 0) return null;
    return JSON.parse(readFileSync(j.file, "utf8")) as SweepSummary;
  } catch {
    return null;
  }
}

const scenarioCache = new Map<string, SweepScenario[]>();
/** The scenario's own words (its set-up and its threads' operations), from the generated scope. */
function described(scope: string, index: number): string {
  if (!scenarioCache.has(scope)) scenarioCache.set(scope, generateScope(loadScope(scope)).scenarios);
  const d = scenarioCache.get(scope)![index]!.scenario.description;
  return d.replace(/^Scope [^,]+, /, "").replace(/\.$/, "").replaceAll("|", "\\|");
}

const head = (j: { subject: string; mutant: string; design: string }) => `| ${j.subject} | \`${j.mutant}\` | \`${j.design}\``;
const why = (j: { subject: string; mutant: string }) => noneExpected(j.subject, j.mutant) ?? "-";

function row(j: Job, s: SweepSummary, s2: string): string {
  const w = s.sweep;
  const v = s.violation;
  const explored = `${f0(w.explored)} of ${f0(w.scenarios - w.excluded)}`;
  const secs = (s.timing.elapsedMs / 1000).toFixed(0);
  if (s.verdict === "verified") return `${head(j)} | not within ${s2} (verified there) | - | - | - | - | - | ${explored} | ${secs} | ${why(j)} |`;
  if (s.verdict !== "violation" || v === null) return `${head(j)} | incomplete in ${w.scope} | - | - | - | - | - | ${explored} | ${secs} | ${why(j)} |`;
  return `${head(j)} | ${w.scope} | ${v.invariant} | ${v.operations} | ${v.preemptions} | ${v.atomicSteps} | \`${v.scenario}\`: ${described(w.scope, v.index)} | ${explored} | ${secs} | - |`;
}

/** The rows already in the block, by subject and mutant. */
function previousRows(): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of docBlock(readFileSync(DOC, "utf8"), BLOCK) ?? []) {
    const m = l.match(/^\| ([a-z-]+) \| `([^`]+)` \|/);
    if (m) out.set(`${m[1]}:${m[2]}`, l);
  }
  return out;
}

export function sweepMutantsBench(log: (s: string) => void): void {
  const subjects = SUBJECTS.filter((x) => (process.env.BENCH_SUBJECT ?? x.name) === x.name);
  const only = process.env.BENCH_SWEEP_MUTANTS ? new Set(process.env.BENCH_SWEEP_MUTANTS.split(",")) : null;
  const dir = mkdtempSync(join(tmpdir(), "rmapcheck-bench-sweep-mutants-"));
  const all = subjects.flatMap((subject) => listing(subject).mutants.map((m) => ({ subject: subject.name, ...m })));
  const rows = previousRows();
  // A row from before the "why none can" column gets an empty one.
  for (const [k, r] of rows) if ((r.match(/(?<!\\)\|/g) ?? []).length === 12) rows.set(k, `${r} - |`);
  // Rows kept from an earlier run were measured under its load: a rewrite only (BENCH_SWEEP_MUTANTS=none) keeps that figure.
  const earlier = (docBlock(readFileSync(DOC, "utf8"), BLOCK) ?? [])[0]?.match(/load average ([\d. ]+) at the start/)?.[1];
  // A partial rerun (BENCH_SWEEP_MUTANTS=names or rest) keeps the higher of the two figures: the table still holds rows of the earlier run.
  const now = load();
  const first = (x: string) => Number(x.trim().split(/\s+/)[0]);
  const startLoad = earlier === undefined || (only === null) ? now : only.has("none") || first(earlier) >= first(now) ? earlier.trim() : now;
  const write = () => {
    const cells = (r: string) => r.split(/(?<!\\)\|/);
    // A row not caught in a scope gets the current "why none can" (the rows before it was known keep theirs otherwise).
    const withWhy = (m: { subject: string; name: string }, r: string) => {
      const c = cells(r);
      if (c.length < 14 || /^ (series|lockless)(-tdp)?-s\d/.test(c[4]!) || why({ subject: m.subject, mutant: m.name }) === "-") return r;
      c[c.length - 2] = ` ${why({ subject: m.subject, mutant: m.name })} `;
      return c.join("|");
    };
    const s2Note = (m: { subject: string; name: string }, r: string) =>
      skipS2(m.subject, m.name) ? r.replace(`${scopesOf(m.subject)[1]} not run yet`, alphabetNote(m.subject)) : r;
    const body = all.map((m) => s2Note(m, withWhy(m, rows.get(`${m.subject}:${m.name}`) ?? `${head({ ...m, mutant: m.name })} | not run yet | | | | | | | | ${why({ ...m, mutant: m.name })} |`)));
    writeFileSync(DOC, withDocBlock(readFileSync(DOC, "utf8"), BLOCK, [
      `Measured by \`npm run bench -- sweep-mutants\` on ${cpus().length} cores (load average ${startLoad} at the start: the machine is shared, so the *s* column is slower than an idle machine's): each mutant swept on top of its design, \`rmapcheck sweep --scope S --mutant M\`, within its subject's -s1 scope and, when -s1 verifies it, within -s2 unless -s2 has -s1's configurations, set-up, operation kinds and domains and the mutant's code is out of their reach (*why none can*) (${hasParallel() ? "two at a time with GNU parallel -j 2" : "one at a time"}). *Smallest scenario*: the violation with the fewest operations (set-up included), then preemptions, then steps (docs/sweep.md), by name and in its own words. *Explored*: scenarios explored of the scope's (the rest were skipped as larger than the violation, or are outside what the design claims to handle). *Why none can*: for a mutant whose replaced code no operation or configuration of the scopes reaches, what the scopes lack (these are swept last, to confirm it).`,
      "",
      "| subject | mutant | design | caught in | invariant | ops | preemptions | steps | smallest scenario | explored | s | why none can |",
      "|---|---|---|---|---|---|---|---|---|---|---|---|",
      ...body,
    ]));
  };
  // BENCH_SWEEP_MUTANTS=rest: the mutants with no measured row yet (to resume an interrupted run).
  const measured = (m: { subject: string; name: string }) => /^\|[^|]*\|[^|]*\|[^|]*\| (series|lockless)(-tdp)?-s\d|^\|[^|]*\|[^|]*\|[^|]*\| not within/.test(rows.get(`${m.subject}:${m.name}`) ?? "");
  const todo = all.filter((m) => (only === null ? true : only.has("rest") ? !measured(m) : only.has(m.name)));
  // BENCH_SWEEP_MUTANTS=none: no sweep, the block rewritten from its rows.
  if (todo.length === 0) write();
  for (const m of todo.filter((x) => x.needsTso)) rows.set(`${m.subject}:${m.name}`, `| ${m.subject} | \`${m.name}\` | \`${m.design}\` | needs x86-TSO: not swept | - | - | - | - | - | - | - | the sweep explores sequential consistency; the mutant shows only through a store buffer (see its catalogue row) |`);
  // The mutants expected to be caught first (cheap: a sweep stops at its smallest violation), the others last.
  const ordered = [...todo.filter((x) => !noneExpected(x.subject, x.name)), ...todo.filter((x) => noneExpected(x.subject, x.name))];
  // BENCH_SWEEP_MUTANTS_FROM=s2: a chosen mutant whose row says -s1 verified it starts at -s2 (its -s1 sweep is not redone).
  const s1Verified = (m: { subject: string; name: string }) => (rows.get(`${m.subject}:${m.name}`) ?? "").includes(`not within ${scopesOf(m.subject)[0]} (verified there); ${scopesOf(m.subject)[1]} not run yet`);
  const fromS2 = (m: { subject: string; name: string }) => process.env.BENCH_SWEEP_MUTANTS_FROM === "s2" && s1Verified(m) && !skipS2(m.subject, m.name);
  const job = (m: { subject: string; name: string; design: string }, k: 0 | 1): Job => ({ subject: m.subject, mutant: m.name, design: m.design, scope: k === 0 ? (OWN_SCOPE[m.name] ?? scopesOf(m.subject)[0]) : scopesOf(m.subject)[1], file: join(dir, `${m.name}-${m.subject}-${k + 1}.json`) });
  const swept = ordered.filter((x) => !x.needsTso);
  let pending: Job[] = swept.filter((m) => !fromS2(m)).map((m) => job(m, 0));
  const resumed: Job[] = swept.filter(fromS2).map((m) => job(m, 1));
  for (const round of [0, 1]) {
    if (round === 1) pending.push(...resumed);
    const next: Job[] = [];
    for (let i = 0; i < pending.length; i += BATCH) {
      const batch = pending.slice(i, i + BATCH);
      log(`[bench] sweep-mutants: ${batch.map((j) => `${j.mutant} (${j.scope})`).join(", ")}; load ${load()}`);
      runJobs(batch, dir);
      for (const j of batch) {
        const s = result(j);
        const [, s2] = scopesOf(j.subject);
        if (s === null) rows.set(`${j.subject}:${j.mutant}`, `${head(j)} | no result within ${j.scope} (stopped) | - | - | - | - | - | - | - | ${why(j)} |`);
        else if (s.verdict === "verified" && round === 0 && !skipS2(j.subject, j.mutant) && OWN_SCOPE[j.mutant] === undefined) next.push({ ...j, scope: s2, file: join(dir, `${j.mutant}-${j.subject}-2.json`) });
        else rows.set(`${j.subject}:${j.mutant}`, row(j, s, s2));
        const then = OWN_SCOPE[j.mutant] === undefined ? `; ${s2} not run yet` : "";
        if (s !== null && s.verdict === "verified" && round === 0) rows.set(`${j.subject}:${j.mutant}`, `${head(j)} | not within ${j.scope} (verified there)${then} | - | - | - | - | - | ${f0(s.sweep.explored)} of ${f0(s.sweep.scenarios - s.sweep.excluded)} | ${(s.timing.elapsedMs / 1000).toFixed(0)} | ${why(j)} |`);
      }
      write();
    }
    pending = next;
  }
}
