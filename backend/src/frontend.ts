import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "./config.js";

/** The Next.js request handler for the frontend workspace, served from this same process. */
export async function loadFrontend(config: Config) {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../frontend");
  // next is CommonJS: under NodeNext its default export arrives wrapped once more.
  const mod = (await import("next")) as unknown as { default: typeof import("next").default };
  const app = mod.default({ dev: config.frontendDev, dir });
  await app.prepare();
  const handle = app.getRequestHandler();
  return (req: IncomingMessage, res: ServerResponse) => handle(req, res);
}
