import { describe, expect, it } from "vitest";
import { highlightRanges, searchTerms } from "./highlight.js";

describe("highlightRanges", () => {
  it("marks every occurrence case-insensitively and merges overlaps", () => {
    expect(highlightRanges("Hello hello HELLO", ["hello"])).toEqual([
      [0, 5],
      [6, 11],
      [12, 17],
    ]);
    expect(highlightRanges("abcdef", ["abc", "cde"])).toEqual([[0, 5]]);
  });

  it("works for CJK text and treats regex characters literally", () => {
    expect(highlightRanges("東京タワーに行く", ["タワー"])).toEqual([[2, 5]]);
    expect(highlightRanges("a.b a+b", ["a+b"])).toEqual([[4, 7]]);
    expect(searchTerms("  Foo foo  BAR ")).toEqual(["foo", "bar"]);
  });
});
