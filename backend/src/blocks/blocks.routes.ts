import { Id } from "@chat/protocol";
import { Router } from "express";
import { authOf } from "../auth/auth.middleware.js";
import { parse } from "../http/validate.js";
import type { BlocksService } from "./blocks.service.js";

/** Mounted under /api/users. */
export function blocksRoutes(blocks: BlocksService) {
  const router = Router();
  router.get("/me/blocks", async (_req, res) => {
    res.json({ users: await blocks.list(authOf(res).userId) });
  });
  router.put("/:id/block", async (req, res) => {
    await blocks.block(authOf(res).userId, parse(Id, req.params.id));
    res.status(204).end();
  });
  router.delete("/:id/block", async (req, res) => {
    await blocks.unblock(authOf(res).userId, parse(Id, req.params.id));
    res.status(204).end();
  });
  return router;
}
