export * from "./api.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./ids.js";
export * from "./limits.js";
export * from "./models.js";
export * from "./schemas.js";
