import type { Conversation, Member, Message } from "@chat/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import { actions, getState, resetStore } from "./chat-store";

// The store is plain state: these run it as the client does, event by event, with a
// conversation list that the server built before some of what already came in live.
const ann = { id: "ann", username: "ann", displayName: "Ann", avatarUrl: null };
const ben = { id: "ben", username: "ben", displayName: "Ben", avatarUrl: null };

function message(seq: number, senderId: string, mentions: string[] = []): Message {
  return {
    id: `m${seq}`,
    conversationId: "c1",
    seq,
    senderId,
    clientId: `client-${seq}`,
    text: `message ${seq}`,
    attachments: [],
    createdAt: new Date(seq * 1000).toISOString(),
    mentions,
  };
}

/** The conversation as the server lists it for Ben after message `lastSeq`. */
function listed(lastSeq: number, reads: { ann: number; ben: number }, mentionCount: number): Conversation {
  const members: Member[] = [
    { user: ann, role: "owner", lastReadSeq: reads.ann },
    { user: ben, role: "member", lastReadSeq: reads.ben },
  ];
  return {
    id: "c1",
    type: "direct",
    name: null,
    members,
    lastSeq,
    lastMessage: message(lastSeq, "ann", lastSeq === 2 ? ["ben"] : []),
    unreadCount: lastSeq - reads.ben,
    createdAt: new Date(0).toISOString(),
    mentionCount,
  };
}

const conv = () => getState().conversations.c1;
const readOf = (id: string) => conv().members.find((m) => m.user.id === id)?.lastReadSeq;

describe("a conversation list built before what came in live", () => {
  beforeEach(() => {
    resetStore();
    actions.setMe(ben);
    // Ben has read message 1; message 2 mentions him.
    actions.setConversations([listed(2, { ann: 2, ben: 1 }, 1)]);
  });

  it("keeps a newer message and counts its mention", () => {
    actions.addMessages("c1", [message(3, "ann", ["ben"])]);
    expect(conv().mentionCount).toBe(2);

    actions.setConversations([listed(2, { ann: 2, ben: 1 }, 1)]);
    expect(conv().lastMessage?.seq).toBe(3);
    expect(conv().lastSeq).toBe(3);
    expect(conv().unreadCount).toBe(2);
    expect(conv().mentionCount).toBe(2);
  });

  it("keeps read positions that moved since, and the mentions they read", () => {
    actions.addMessages("c1", [message(2, "ann", ["ben"]), message(3, "ann")]);
    actions.setRead("c1", "ben", 3);
    actions.setRead("c1", "ann", 3);
    expect(conv().mentionCount).toBe(0);

    actions.setConversations([listed(3, { ann: 2, ben: 1 }, 1)]);
    expect(readOf("ben")).toBe(3);
    expect(readOf("ann")).toBe(3);
    expect(conv().unreadCount).toBe(0);
    expect(conv().mentionCount).toBe(0);
  });

  it("takes what the list has that is newer", () => {
    actions.setConversations([listed(4, { ann: 4, ben: 3 }, 0)]);
    expect(conv().lastSeq).toBe(4);
    expect(readOf("ben")).toBe(3);
    expect(conv().unreadCount).toBe(1);
    expect(conv().mentionCount).toBe(0);
  });

  it("does not count my own message as a mention, and it moves my read position", () => {
    actions.addMessages("c1", [message(3, "ben", ["ben"])]);
    actions.setConversations([listed(2, { ann: 2, ben: 1 }, 1)]);
    expect(conv().lastSeq).toBe(3);
    expect(readOf("ben")).toBe(3);
    expect(conv().unreadCount).toBe(0);
    expect(conv().mentionCount).toBe(0);
  });

  it("leaves my own message that mentions me out of the mentions still unread", () => {
    actions.addMessages("c1", [message(2, "ann", ["ben"]), message(3, "ben", ["ben"])]);
    actions.setRead("c1", "ben", 2);
    expect(conv().mentionCount).toBe(0);
  });
});
