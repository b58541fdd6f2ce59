import { Id, UpdateMeBody, UserSearchQuery } from "@chat/protocol";
import { Router } from "express";
import { authOf } from "../auth/auth.middleware.js";
import { parse } from "../http/validate.js";
import type { UsersService } from "./users.service.js";

export function usersRoutes(users: UsersService) {
  const router = Router();
  router.get("/", async (req, res) => {
    const { search } = parse(UserSearchQuery, req.query);
    res.json({ users: await users.search(search) });
  });
  router.patch("/me", async (req, res) => {
    const body = parse(UpdateMeBody, req.body);
    res.json({ user: await users.updateDisplayName(authOf(res).userId, body.displayName) });
  });
  router.get("/:id", async (req, res) => {
    res.json({ user: await users.get(parse(Id, req.params.id)) });
  });
  return router;
}
