/**
 * Geometry for the dashboard's server-rendered SVG charts: no chart library, just scales. Every
 * chart also has a data table, so these only decide where bars go.
 */

/** The smallest "nice" number (1, 2 or 5 × 10ⁿ) at or above `max`; 1 for an empty chart. */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Axis ticks from 0 to `top` (a niceMax): four steps for 2 × 10ⁿ, five otherwise, so they fall on round numbers. */
export function ticks(top: number): number[] {
  const lead = top / 10 ** Math.floor(Math.log10(top));
  const count = Math.round(lead) === 2 ? 4 : 5;
  const out: number[] = [];
  for (let i = 0; i <= count; i++) out.push(Math.round(((top * i) / count) * 1e6) / 1e6);
  return out;
}

export interface ColumnBar {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Columns for a series across a plot area (`left`, `top`, `width`, `height` in viewBox units),
 * scaled to `top` (the axis maximum); a gap of `gap` (a fraction of each slot) between columns.
 */
export function columns(values: readonly number[], area: { left: number; top: number; width: number; height: number }, max: number, gap = 0.2): ColumnBar[] {
  if (values.length === 0) return [];
  const slot = area.width / values.length;
  const width = Math.max(1, slot * (1 - gap));
  return values.map((v, i) => {
    const height = max > 0 ? (Math.max(0, v) / max) * area.height : 0;
    return { x: area.left + i * slot + (slot - width) / 2, y: area.top + area.height - height, width, height };
  });
}

/** A bar's length along `length` for a value on a 0..max scale (never negative, never past the end). */
export function barLength(value: number, max: number, length: number): number {
  if (!(max > 0) || !Number.isFinite(value)) return 0;
  return Math.min(length, (Math.max(0, value) / max) * length);
}
