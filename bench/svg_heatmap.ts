/**
 * A heat map as a standalone SVG file (same reasons as svg_plot.ts: byte-
 * identical for identical numbers, no dependency): one cell per (row, column)
 * with its value printed in it, coloured on a diverging log scale around 1
 * (blue: the first design wins, red: the second wins, white: even), and cells
 * with no measurement (a run that did not finish) hatched grey and labelled.
 */

export interface Heatmap {
  title: string;
  subtitle: string;
  colLabel: string;
  rowLabel: string;
  cols: string[];
  rows: string[];
  /** cells[r][c]: a ratio > 0, or null where a run did not finish. */
  cells: Array<Array<number | null>>;
  /** What a ratio above 1 means, and below. */
  above: string;
  below: string;
}

const CW = 64;
const CH = 22;
const M = { left: 230, top: 92, right: 20, bottom: 70 };
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Diverging colour of a ratio: log2 clamped to +-4 (16x), blue above 1, red below. */
function colour(r: number): string {
  const t = Math.max(-1, Math.min(1, Math.log2(r) / 4));
  const mix = (a: number): number => Math.round(255 - (255 - a) * Math.abs(t));
  return t >= 0 ? `rgb(${mix(33)},${mix(102)},${mix(172)})` : `rgb(${mix(178)},${mix(24)},${mix(43)})`;
}

const text = (r: number): string => (r >= 100 ? `${Math.round(r)}x` : r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`);

export function renderHeatmap(h: Heatmap): string {
  const W = M.left + h.cols.length * CW + M.right;
  const H = M.top + h.rows.length * CH + M.bottom;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<defs><pattern id="dnf" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/><line x1="0" y1="0" x2="0" y2="6" stroke="#aaa" stroke-width="2"/></pattern></defs>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="12" y="22" font-size="14" font-weight="bold">${esc(h.title)}</text>`,
    `<text x="12" y="40">${esc(h.subtitle)}</text>`,
    `<text x="${M.left}" y="${M.top - 34}" font-weight="bold">${esc(h.colLabel)}</text>`,
    `<text x="12" y="${M.top - 8}" font-weight="bold">${esc(h.rowLabel)}</text>`,
  ];
  h.cols.forEach((c, j) => out.push(`<text x="${M.left + j * CW + CW / 2}" y="${M.top - 8}" text-anchor="middle">${esc(c)}</text>`));
  h.rows.forEach((r, i) => {
    const y = M.top + i * CH;
    out.push(`<text x="12" y="${y + CH / 2 + 4}">${esc(r)}</text>`);
    h.cols.forEach((_, j) => {
      const v = h.cells[i]![j]!;
      const x = M.left + j * CW;
      out.push(`<rect x="${x}" y="${y}" width="${CW}" height="${CH}" fill="${v === null ? "url(#dnf)" : colour(v)}" stroke="white"/>`);
      const dark = v !== null && Math.abs(Math.log2(v)) > 2.4;
      out.push(`<text x="${x + CW / 2}" y="${y + CH / 2 + 4}" text-anchor="middle" fill="${dark ? "white" : "black"}">${v === null ? "DNF" : text(v)}</text>`);
    });
  });
  const ly = M.top + h.rows.length * CH + 22;
  out.push(`<rect x="${M.left}" y="${ly - 10}" width="14" height="14" fill="${colour(8)}"/><text x="${M.left + 20}" y="${ly + 2}">${esc(h.above)}</text>`);
  out.push(`<rect x="${M.left}" y="${ly + 10}" width="14" height="14" fill="${colour(1 / 8)}"/><text x="${M.left + 20}" y="${ly + 22}">${esc(h.below)}</text>`);
  out.push(`<rect x="${M.left}" y="${ly + 30}" width="14" height="14" fill="url(#dnf)"/><text x="${M.left + 20}" y="${ly + 42}">DNF: the run did not finish within its step budget (a livelock), no measurement</text>`);
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
