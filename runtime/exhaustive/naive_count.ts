/**
 * How many schedules plain enumeration would run: the interleavings of the
 * threads' steps (n[i] steps for thread i) with at most `bound` preemptions,
 * ignoring blocking. A schedule is a sequence of blocks, runs of one thread's
 * steps; thread i cut into b[i] blocks is preempted b[i] - 1 times (the end of
 * its last block is its end), cut in C(n[i] - 1, b[i] - 1) ways, and the blocks
 * are arranged so that no two neighbours belong to one thread (they would be
 * one block). Without a bound: the multinomial (sum n)! / prod n[i]!.
 */
function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** Sequences holding b[i] items of kind i, no two neighbours of one kind. */
function arrangements(b: number[]): bigint {
  const memo = new Map<string, bigint>();
  const go = (left: number[], last: number): bigint => {
    if (left.every((x) => x === 0)) return 1n;
    const key = `${left.join(",")}|${last}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let total = 0n;
    for (let i = 0; i < left.length; i++) {
      if (i === last || left[i] === 0) continue;
      left[i]!--;
      total += go(left, i);
      left[i]!++;
    }
    memo.set(key, total);
    return total;
  };
  return go([...b], -1);
}

export function naiveSchedules(steps: readonly number[], bound: number | null): bigint {
  const n = steps.filter((x) => x > 0);
  if (bound === null) {
    let r = 1n;
    let total = 0;
    for (const x of n) {
      for (let i = 1; i <= x; i++) r = (r * BigInt(total + i)) / BigInt(i);
      total += x;
    }
    return r;
  }
  let sum = 0n;
  const b = n.map(() => 1);
  const walk = (i: number, spare: number): void => {
    if (i === n.length) {
      let ways = arrangements(b);
      for (let j = 0; j < n.length; j++) ways *= binom(n[j]! - 1, b[j]! - 1);
      sum += ways;
      return;
    }
    for (let extra = 0; extra <= spare && extra < n[i]!; extra++) {
      b[i] = 1 + extra;
      walk(i + 1, spare - extra);
    }
    b[i] = 1;
  };
  walk(0, bound);
  return sum;
}
