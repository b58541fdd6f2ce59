import { ApiRequestError } from "./api";

export interface UploadHandle<T> {
  promise: Promise<T>;
  abort: () => void;
}

const friendly: Record<string, string> = {
  PAYLOAD_TOO_LARGE: "File is too large",
  UNSUPPORTED_MEDIA_TYPE: "This file type is not allowed",
};

/** Multipart upload through XHR, for progress events and cancel (fetch has neither for uploads). */
export function uploadFile<T>(
  method: "POST" | "PUT",
  path: string,
  field: string,
  file: File,
  onProgress: (fraction: number) => void,
): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open(method, `/api${path}`);
    xhr.withCredentials = true;
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const body = xhr.response as (T & { error?: { code: string; message: string } }) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve(body);
      const code = body?.error?.code ?? (xhr.status === 413 ? "PAYLOAD_TOO_LARGE" : "INTERNAL");
      reject(new ApiRequestError(xhr.status, code, friendly[code] ?? body?.error?.message ?? "Upload failed"));
    };
    xhr.onerror = () => reject(new ApiRequestError(0, "NETWORK", "Upload failed: connection lost"));
    xhr.onabort = () => reject(new ApiRequestError(0, "ABORTED", "Upload cancelled"));
    const form = new FormData();
    form.append(field, file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
