"use client";
import type { Attachment, AttachmentResponse } from "@chat/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import { uploadFile } from "@/lib/upload";

export interface Upload {
  id: string;
  file: File;
  progress: number;
  status: "uploading" | "done" | "error";
  attachment?: Attachment;
  error?: string;
  abort: () => void;
}

/** Attachments of the message being written: uploaded first, referenced by id on send. */
export function useUploads() {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const live = useRef(uploads);
  live.current = uploads;

  const patch = useCallback((id: string, p: Partial<Upload>) => {
    setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...p } : u)));
  }, []);

  const add = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        const id = crypto.randomUUID();
        const handle = uploadFile<AttachmentResponse>("POST", "/chat/attachments", "attachment", file, (f) =>
          patch(id, { progress: f }),
        );
        setUploads((list) => [...list, { id, file, progress: 0, status: "uploading", abort: handle.abort }]);
        handle.promise.then(
          ({ attachment }) => patch(id, { status: "done", progress: 1, attachment }),
          (err: Error) => {
            if ((err as { code?: string }).code === "ABORTED") setUploads((list) => list.filter((u) => u.id !== id));
            else patch(id, { status: "error", error: `${file.name}: ${err.message}` });
          },
        );
      }
    },
    [patch],
  );

  const remove = useCallback((id: string) => {
    const u = live.current.find((x) => x.id === id);
    if (u?.status === "uploading") u.abort();
    setUploads((list) => list.filter((x) => x.id !== id));
  }, []);

  const clear = useCallback(() => setUploads([]), []);

  useEffect(
    () => () => {
      for (const u of live.current) if (u.status === "uploading") u.abort();
    },
    [],
  );

  return { uploads, add, remove, clear };
}
