import type { z } from "zod";
import { validationError } from "./app-error.js";

/** Parses untrusted input with a protocol schema or throws VALIDATION_ERROR. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}
