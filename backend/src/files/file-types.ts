import { open } from "node:fs/promises";
import { fileTypeFromFile } from "file-type";
import { AppError } from "../http/app-error.js";

/** Raster images we decode, re-encode without metadata, and show inline. */
export const rasterImageTypes: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/** Allowed by default: images, pdf, plain text, zip and common office documents. */
export const defaultUploadTypes = [
  ...rasterImageTypes,
  "application/pdf",
  "text/plain",
  "application/zip",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.presentation",
] as const;

/**
 * Types a browser would run or render as a document. They can never be allowed by config: a
 * same-origin HTML or SVG file is a stored XSS.
 */
export const activeTypes: ReadonlySet<string> = new Set([
  "text/html",
  "application/xhtml+xml",
  "image/svg+xml",
  "application/xml",
  "text/xml",
  "application/javascript",
  "text/javascript",
  "application/x-msdownload",
  "application/x-elf",
  "application/x-mach-binary",
  "application/x-sh",
  "application/java-archive",
  "application/wasm",
]);

/** Only these are served with `Content-Disposition: inline`. */
export const isInlineType = (mime: string) => rasterImageTypes.has(mime) || mime === "application/pdf";

/** Extensions that make a text file something a desktop would run or a browser render. */
const activeExtensions = new Set(
  "html htm xhtml shtml svg svgz xml xsl js mjs cjs jsx ts vbs vbe wsf wsh hta ps1 psm1 bat cmd com exe scr msi dll sh bash command app jar".split(
    " ",
  ),
);

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
};

/** Markup at the start of a text file: HTML, SVG or XML that a browser might render. */
const markupStart = /^\s*<(?:[!?a-z]|\/)/i;

/** Plain text: valid UTF-8 with no NUL bytes in the sample, and not markup. */
async function sniffText(filePath: string): Promise<"text" | "markup" | undefined> {
  const handle = await open(filePath, "r");
  try {
    const sample = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(sample, 0, sample.length, 0);
    let bytes = sample.subarray(0, bytesRead);
    if (bytes.includes(0)) return undefined;
    // The sample may end inside a multi-byte character: drop an incomplete tail before decoding.
    if (bytesRead === sample.length) {
      let cut = bytes.length;
      while (cut > bytes.length - 4 && cut > 0 && ((bytes[cut - 1] ?? 0) & 0xc0) === 0x80) cut--;
      if (cut > 0 && ((bytes[cut - 1] ?? 0) & 0x80) !== 0) cut--;
      bytes = bytes.subarray(0, cut);
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
    return markupStart.test(text.replace(/^\uFEFF/, "")) ? "markup" : "text";
  } finally {
    await handle.close();
  }
}

export interface SniffedType {
  mime: string;
  /** The usual extension for the type. */
  ext: string;
}

const refused = (what: string) => new AppError("UNSUPPORTED_MEDIA_TYPE", `${what} files are not allowed`);

/**
 * The type from the bytes alone; the client's name and Content-Type are ignored except to refuse
 * text that claims an active extension. Throws 415 for anything not allowed.
 */
export async function sniffType(filePath: string, name: string, allowed: ReadonlySet<string>): Promise<SniffedType> {
  const detected = await fileTypeFromFile(filePath);
  if (detected) {
    if (activeTypes.has(detected.mime) || !allowed.has(detected.mime)) throw refused(detected.mime);
    return { mime: detected.mime, ext: detected.ext };
  }
  const text = await sniffText(filePath);
  if (text === "markup") throw refused("HTML, SVG and XML");
  if (text === "text") {
    if (activeExtensions.has(extensionOf(name))) throw refused(`.${extensionOf(name)}`);
    if (allowed.has("text/plain")) return { mime: "text/plain", ext: "txt" };
  }
  throw refused("this type of");
}

/** Keeps the user's extension when it fits the sniffed type, else appends the right one. */
export function withFittingExtension(name: string, type: SniffedType): string {
  const ext = extensionOf(name);
  if (type.mime === "text/plain" && ext && !activeExtensions.has(ext)) return name;
  const fitting = type.mime === "image/jpeg" ? ["jpg", "jpeg"] : [type.ext];
  return fitting.includes(ext) ? name : `${name}.${type.ext}`;
}
