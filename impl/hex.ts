/** An address or word as the kernel prints it: 0x followed by lower-case hex. */
export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}
