import { SearchQuery } from "@chat/protocol";
import { Router } from "express";
import { authOf } from "../auth/auth.middleware.js";
import { parse } from "../http/validate.js";
import type { SearchService } from "./search.service.js";

/** Mounted under /api/chat. */
export function searchRoutes(search: SearchService) {
  const router = Router();
  router.get("/search", async (req, res) => {
    res.json(await search.search(authOf(res).userId, parse(SearchQuery, req.query)));
  });
  return router;
}
