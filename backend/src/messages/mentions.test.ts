import { describe, expect, it } from "vitest";
import { mentionedUsernames } from "./mentions.js";

describe("mentionedUsernames", () => {
  it("finds @names case-insensitively, once each, ignoring emails and trailing punctuation", () => {
    expect(mentionedUsernames("hi @Bob and @bob, ping @alice. mail me@example.com @x")).toEqual(["bob", "alice"]);
  });
});
