const maxNameLength = 200;

/** C0/C1 controls, and the direction marks and overrides that can disguise an extension. */
const isHiddenCharacter = (code: number) =>
  code < 0x20 ||
  (code >= 0x7f && code <= 0x9f) ||
  code === 0x200e ||
  code === 0x200f ||
  (code >= 0x202a && code <= 0x202e) ||
  (code >= 0x2066 && code <= 0x2069);

/**
 * The user's file name as harmless metadata: no directories, no control or bidi-override
 * characters (which disguise "exe.jpg" as "gpj.exe"), no leading dots, bounded length.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? "").split(/[/\\]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    .split("")
    .filter((c) => !isHiddenCharacter(c.charCodeAt(0)))
    .join("")
    .replace(/["]/g, "'")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "")
    .trim();
  if (!cleaned) return "file";
  if (cleaned.length <= maxNameLength) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const ext = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : "";
  return cleaned.slice(0, maxNameLength - ext.length) + ext;
}
