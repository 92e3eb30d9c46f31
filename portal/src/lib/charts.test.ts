import { describe, expect, it } from "vitest";
import { barLength, columns, niceMax, ticks } from "./charts";

describe("chart scales", () => {
  it("rounds the axis up to a nice number", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(13)).toBe(20);
    expect(niceMax(41)).toBe(50);
    expect(niceMax(100)).toBe(100);
    expect(niceMax(0.62)).toBe(1);
  });

  it("places ticks evenly", () => {
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
    expect(ticks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(ticks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it("lays out columns bottom-aligned inside the plot area", () => {
    const bars = columns([0, 5, 10], { left: 10, top: 0, width: 30, height: 100 }, 10, 0);
    expect(bars.map((b) => b.height)).toEqual([0, 50, 100]);
    expect(bars.map((b) => b.y)).toEqual([100, 50, 0]);
    expect(bars.map((b) => b.x)).toEqual([10, 20, 30]);
  });

  it("keeps bars inside their track", () => {
    expect(barLength(5, 10, 200)).toBe(100);
    expect(barLength(-1, 10, 200)).toBe(0);
    expect(barLength(50, 10, 200)).toBe(200);
    expect(barLength(5, 0, 200)).toBe(0);
  });
});
