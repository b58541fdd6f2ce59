import { type ApiError, type ErrorCode, errorStatus } from "@chat/protocol";
import type { ZodError } from "zod";

/** The one error type services throw; edges turn it into the wire error shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return errorStatus[this.code];
  }

  toJSON(): ApiError {
    return { code: this.code, message: this.message };
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const forbidden = (message: string) => new AppError("FORBIDDEN", message);

export function validationError(error: ZodError): AppError {
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join(".")}: ` : "";
  return new AppError("VALIDATION_ERROR", first ? `${where}${first.message}` : "invalid input");
}

/** Anything that is not an AppError is a bug: callers log it and answer INTERNAL. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof AppError) return err.toJSON();
  return { code: "INTERNAL", message: "internal error" };
}
