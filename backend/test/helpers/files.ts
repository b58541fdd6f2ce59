import { existsSync, readdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import sharp from "sharp";

export interface FilePart {
  data: Uint8Array;
  name?: string;
  /** What the client claims; the server must not believe it. */
  type?: string;
}

export interface UploadAnswer {
  status: number;
  body: any;
  headers: Headers;
}

/** A real multipart body built by fetch's FormData; `files` may hold several parts (or none). */
export async function upload(
  baseUrl: string,
  path: string,
  opts: { token?: string; field?: string; files?: FilePart[]; method?: string; fields?: Record<string, string> },
): Promise<UploadAnswer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(opts.fields ?? {})) form.append(k, v);
  for (const f of opts.files ?? []) {
    form.append(
      opts.field ?? "attachment",
      new Blob([f.data], { type: f.type ?? "application/octet-stream" }),
      f.name ?? "file",
    );
  }
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(baseUrl + path, { method: opts.method ?? "POST", headers, body: form });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}

export const uploadAttachment = (baseUrl: string, token: string, file: FilePart) =>
  upload(baseUrl, "/api/chat/attachments", { token, files: [file] });

/** GET as bytes. */
export async function download(baseUrl: string, path: string, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(baseUrl + path, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/**
 * Sends raw bytes over a socket-level request, optionally never finishing the body, and resolves
 * with the answer as soon as it arrives.
 */
export function rawRequest(
  baseUrl: string,
  opts: { path: string; token: string; headers?: Record<string, string>; chunks: Buffer[]; end: boolean },
): Promise<{ status: number; body: string; req: http.ClientRequest }> {
  const url = new URL(opts.path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: "POST",
      headers: { authorization: `Bearer ${opts.token}`, ...opts.headers },
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, req }));
      res.on("error", reject);
    });
    req.on("error", (err) => {
      // The server may close its side after answering early: that is expected.
      if (!req.writableEnded) return;
      reject(err);
    });
    for (const c of opts.chunks) req.write(c);
    if (opts.end) req.end();
  });
}

export async function pngImage(width = 64, height = 48, color = "#3a7") {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .png()
    .toBuffer();
}

/** A JPEG carrying EXIF (an artist marker and GPS coordinates) and an orientation tag. */
export async function jpegWithExif(width: number, height: number, orientation = 1, marker = "SECRET-MARKER-42") {
  return sharp({ create: { width, height, channels: 3, background: "#c33" } })
    .jpeg()
    .withExif({
      IFD0: { Artist: marker, Copyright: marker },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .withMetadata({ orientation })
    .toBuffer();
}

export async function animatedGif(frames = 3, width = 40, height = 30) {
  const raw = Buffer.alloc(width * height * frames * 3);
  for (let f = 0; f < frames; f++) raw.fill(f * 80, f * width * height * 3, (f + 1) * width * height * 3);
  return sharp(raw, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif({ delay: Array(frames).fill(100), loop: 0 })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A tiny PNG whose header claims width x height pixels: a decompression bomb's header. */
export function pixelBombPng(width = 60_000, height = 60_000) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", zlib.deflateSync(Buffer.alloc(4096))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A minimal Windows executable header ("MZ" ... "PE\0\0"), enough for type sniffing. */
export function fakeExe() {
  const buf = Buffer.alloc(512);
  buf.write("MZ", 0, "ascii");
  buf.writeUInt32LE(0x80, 0x3c);
  buf.write("PE\0\0", 0x80, "binary");
  return buf;
}

export function minimalPdf() {
  return Buffer.from(
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
  );
}

/** Every stored blob (the content-addressed files), temp files excluded. */
export function storedBlobs(dataDir: string): string[] {
  const root = path.join(dataDir, "uploads");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !path.relative(root, d.parentPath).startsWith("tmp"))
    .map((d) => d.name);
}

export function tempFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, "uploads", "tmp");
  return existsSync(dir) ? readdirSync(dir) : [];
}
