import {
  AddMembersBody,
  CreateGroupBody,
  HistoryQuery,
  Id,
  MarkReadBody,
  MuteBody,
  OpenDirectBody,
  RenameConversationBody,
  SendMessageBody,
  SetRoleBody,
} from "@chat/protocol";
import { Router } from "express";
import { authOf } from "../auth/auth.middleware.js";
import { parse } from "../http/validate.js";
import type { MessagesService } from "../messages/messages.service.js";
import type { ConversationsService } from "./conversations.service.js";

/** Everything under /api/chat except attachments. */
export function chatRoutes(conversations: ConversationsService, messages: MessagesService) {
  const router = Router();
  const me = (res: Parameters<typeof authOf>[0]) => authOf(res).userId;

  router.get("/conversations", async (_req, res) => {
    res.json({ conversations: await conversations.list(me(res)) });
  });
  router.post("/conversations", async (req, res) => {
    const { userId } = parse(OpenDirectBody, req.body);
    res.json({ conversation: await conversations.openDirect(me(res), userId) });
  });
  router.post("/group", async (req, res) => {
    const body = parse(CreateGroupBody, req.body);
    res.status(201).json({ conversation: await conversations.createGroup(me(res), body) });
  });
  router.get("/conversations/:id", async (req, res) => {
    res.json({ conversation: await conversations.get(me(res), parse(Id, req.params.id)) });
  });
  router.patch("/conversations/:id", async (req, res) => {
    const { name } = parse(RenameConversationBody, req.body);
    res.json({ conversation: await conversations.rename(me(res), parse(Id, req.params.id), name) });
  });
  router.post("/conversations/:id/members", async (req, res) => {
    const { users } = parse(AddMembersBody, req.body);
    res.json({ conversation: await conversations.addMembers(me(res), parse(Id, req.params.id), users) });
  });
  router.patch("/conversations/:id/members/:userId", async (req, res) => {
    const { role } = parse(SetRoleBody, req.body);
    const conversation = await conversations.setRole(
      me(res),
      parse(Id, req.params.id),
      parse(Id, req.params.userId),
      role,
    );
    res.json({ conversation });
  });
  router.delete("/conversations/:id/members/:userId", async (req, res) => {
    await conversations.removeMember(me(res), parse(Id, req.params.id), parse(Id, req.params.userId));
    res.status(204).end();
  });
  router.get("/conversations/:id/messages", async (req, res) => {
    const query = parse(HistoryQuery, req.query);
    res.json(await messages.history(me(res), parse(Id, req.params.id), query));
  });
  router.post("/conversations/:id/messages", async (req, res) => {
    const body = parse(SendMessageBody, req.body);
    const { message, created } = await messages.send(me(res), { ...body, conversationId: parse(Id, req.params.id) });
    res.status(created ? 201 : 200).json({ message });
  });
  router.put("/conversations/:id/mute", async (req, res) => {
    const { muted } = parse(MuteBody, req.body);
    res.json({ conversation: await conversations.setMuted(me(res), parse(Id, req.params.id), muted) });
  });
  router.post("/conversations/:id/read", async (req, res) => {
    const { seq } = parse(MarkReadBody, req.body);
    await conversations.markRead(me(res), parse(Id, req.params.id), seq);
    res.status(204).end();
  });
  return router;
}
