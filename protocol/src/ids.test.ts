import { describe, expect, it } from "vitest";
import { timeOrderedId } from "./ids.js";

describe("timeOrderedId", () => {
  it("is a version-7 UUID carrying the time", () => {
    const id = timeOrderedId(Date.UTC(2026, 10, 26, 12));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 26, 12));
  });

  it("sorts by time as text, and differs within one millisecond", () => {
    const ids = [1, 2, 1_000, 2 ** 40].map((t) => timeOrderedId(t));
    expect([...ids].sort()).toEqual(ids);
    expect(timeOrderedId(5)).not.toBe(timeOrderedId(5));
  });

  it("carries the right time when the clock repeats a millisecond or goes back", () => {
    const timeOf = (id: string) => Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    expect([7, 7, 9, 7].map((t) => timeOf(timeOrderedId(t)))).toEqual([7, 7, 9, 7]);
  });
});
