/** `@username` tokens: a username is 3-32 of [A-Za-z0-9_.-], not preceded by a word character. */
const MENTION = /(?<![\w@])@([A-Za-z0-9_.-]{3,32})/g;

export function mentionedUsernames(text: string): string[] {
  const keys = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    // A trailing dot is punctuation ("thanks @bob."), not part of the name.
    keys.add((match[1] as string).replace(/\.+$/, "").toLowerCase());
  }
  return [...keys];
}
