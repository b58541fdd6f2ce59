import { type AvatarSize, limits } from "@chat/protocol";
import sharp, { type Metadata, type Sharp } from "sharp";
import { AppError } from "../http/app-error.js";

const { thumbnailMaxSide, avatarSizes } = limits;
const largestAvatar = avatarSizes[avatarSizes.length - 1] ?? 256;

export interface ImageLimits {
  maxPixels: number;
}

const unreadable = () => new AppError("VALIDATION_ERROR", "the image could not be decoded");
const tooManyPixels = () => new AppError("PAYLOAD_TOO_LARGE", "image dimensions too large");

/** Fails fast on decompression bombs: the header alone tells the size, before any pixel is decoded. */
async function inspect(input: string, limits: ImageLimits) {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw unreadable();
  }
  const pages = meta.pages ?? 1;
  const width = meta.width ?? 0;
  const frameHeight = meta.pageHeight ?? meta.height ?? 0;
  if (width * frameHeight > limits.maxPixels || width * frameHeight * pages > limits.maxPixels * 4) {
    throw tooManyPixels();
  }
  return { animated: pages > 1 };
}

function decodeError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return /pixel limit/i.test(String(err)) ? tooManyPixels() : unreadable();
}

const outputFormat: Record<string, (img: Sharp) => Sharp> = {
  "image/jpeg": (img) => img.jpeg({ quality: 90, mozjpeg: true }),
  "image/png": (img) => img.png(),
  "image/webp": (img) => img.webp({ quality: 90 }),
  "image/gif": (img) => img.gif(),
};

export interface ProcessedImage {
  width: number;
  height: number;
}

/**
 * Re-encodes an uploaded image in its own format with the EXIF orientation applied and every
 * piece of metadata (EXIF, GPS, XMP, ICC, comments) dropped: sharp writes none unless asked.
 * Animated GIF/WebP keep all their frames. Writes the result and a webp thumbnail.
 */
export async function processImage(
  input: string,
  mime: string,
  out: { image: string; thumbnail: string },
  limits: ImageLimits,
): Promise<ProcessedImage> {
  const encode = outputFormat[mime];
  if (!encode) throw new AppError("UNSUPPORTED_MEDIA_TYPE", `${mime} is not an image we can process`);
  const { animated } = await inspect(input, limits);
  try {
    const options = { limitInputPixels: limits.maxPixels, animated, failOn: "error" as const };
    const info = await encode(sharp(input, options).autoOrient()).toFile(out.image);
    await sharp(out.image, { limitInputPixels: limits.maxPixels })
      .resize(thumbnailMaxSide, thumbnailMaxSide, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(out.thumbnail);
    // For animations `info.height` covers every frame stacked; a frame is what people see.
    const height = animated ? (info.pageHeight ?? info.height) : info.height;
    return { width: info.width, height };
  } catch (err) {
    throw decodeError(err);
  }
}

/** Square webp avatars at every size: oriented, center-cropped, metadata-free. */
export async function renderAvatar(input: string, out: Record<AvatarSize, string>, limits: ImageLimits): Promise<void> {
  await inspect(input, limits);
  try {
    const oriented = await sharp(input, { limitInputPixels: limits.maxPixels, failOn: "error" })
      .autoOrient()
      .resize(largestAvatar, largestAvatar, { fit: "cover", position: "centre" })
      .png()
      .toBuffer();
    await Promise.all(
      avatarSizes.map((size) =>
        sharp(oriented).resize(size, size, { fit: "cover" }).webp({ quality: 85 }).toFile(out[size]),
      ),
    );
  } catch (err) {
    throw decodeError(err);
  }
}
