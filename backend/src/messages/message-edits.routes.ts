import { ChangesQuery, EditMessageBody, Id, ReactBody } from "@chat/protocol";
import { Router } from "express";
import { authOf } from "../auth/auth.middleware.js";
import { parse } from "../http/validate.js";
import type { MessageEditsService } from "./message-edits.service.js";

/** Mounted under /api/chat. */
export function messageEditsRoutes(edits: MessageEditsService) {
  const router = Router();
  const me = (res: Parameters<typeof authOf>[0]) => authOf(res).userId;
  router.patch("/messages/:id", async (req, res) => {
    const { text } = parse(EditMessageBody, req.body);
    res.json({ message: await edits.edit(me(res), parse(Id, req.params.id), text) });
  });
  router.delete("/messages/:id", async (req, res) => {
    res.json({ message: await edits.remove(me(res), parse(Id, req.params.id)) });
  });
  router.post("/messages/:id/reactions", async (req, res) => {
    const { emoji } = parse(ReactBody, req.body);
    res.json({ message: await edits.react(me(res), parse(Id, req.params.id), emoji) });
  });
  router.get("/conversations/:id/changes", async (req, res) => {
    const { after, limit } = parse(ChangesQuery, req.query);
    res.json(await edits.changes(me(res), parse(Id, req.params.id), after, limit));
  });
  return router;
}
