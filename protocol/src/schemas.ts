import { z } from "zod";
import { limits } from "./limits.js";
import { Role } from "./models.js";

/** Opaque id: bounded so garbage never reaches a query. */
export const Id = z.string().min(1).max(64);

export const Username = z
  .string()
  .trim()
  .min(limits.usernameMin, `username must be at least ${limits.usernameMin} characters`)
  .max(limits.usernameMax, `username must be at most ${limits.usernameMax} characters`)
  .regex(/^[A-Za-z0-9_.-]+$/, "username may contain only letters, digits, '_', '.' and '-'");

export const Password = z
  .string()
  .min(limits.passwordMin, `password must be at least ${limits.passwordMin} characters`)
  .max(limits.passwordMax, `password must be at most ${limits.passwordMax} characters`);

export const DisplayName = z
  .string()
  .trim()
  .min(1, "display name must not be empty")
  .max(limits.displayNameMax, `display name must be at most ${limits.displayNameMax} characters`);

export const RegisterBody = z.strictObject({
  username: Username,
  password: Password,
  displayName: DisplayName.optional(),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.strictObject({
  username: z.string().trim().min(1).max(limits.usernameMax),
  password: z.string().min(1).max(limits.passwordMax),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const UpdateMeBody = z.strictObject({ displayName: DisplayName });
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const UserSearchQuery = z.object({
  search: z.string().trim().max(limits.searchQueryMax).optional().default(""),
});

export const GroupName = z
  .string()
  .trim()
  .min(1, "group name must not be empty")
  .max(limits.groupNameMax, `group name must be at most ${limits.groupNameMax} characters`);

const UserIdList = z.array(Id).max(limits.groupMembersMax, `at most ${limits.groupMembersMax} users`);

export const OpenDirectBody = z.strictObject({ userId: Id });
export type OpenDirectBody = z.infer<typeof OpenDirectBody>;

export const CreateGroupBody = z.strictObject({ name: GroupName, users: UserIdList });
export type CreateGroupBody = z.infer<typeof CreateGroupBody>;

export const RenameConversationBody = z.strictObject({ name: GroupName });
export type RenameConversationBody = z.infer<typeof RenameConversationBody>;

export const AddMembersBody = z.strictObject({ users: UserIdList.min(1, "users must not be empty") });
export type AddMembersBody = z.infer<typeof AddMembersBody>;

export const SetRoleBody = z.strictObject({ role: Role });
export type SetRoleBody = z.infer<typeof SetRoleBody>;

const Seq = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const HistoryQuery = z.object({
  before: Seq.optional(),
  after: Seq.optional(),
  limit: z.coerce.number().int().min(1).max(limits.pageSizeMax).default(limits.pageSizeDefault),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const ClientId = z
  .string()
  .min(1)
  .max(limits.clientIdMax)
  .regex(/^[A-Za-z0-9_-]+$/, "clientId must be a UUID or similar token");

/** Text is trimmed; it may be empty only when the message carries attachments. */
const messageFields = {
  clientId: ClientId,
  text: z.string().trim().max(limits.messageTextMax, `text must be at most ${limits.messageTextMax} characters`),
  attachments: z
    .array(Id)
    .max(limits.attachmentsPerMessageMax, `at most ${limits.attachmentsPerMessageMax} attachments`)
    .optional()
    .default([]),
};

const replyField = { replyTo: Id.optional() };

const textOrAttachment = (m: { text: string; attachments: string[] }) => m.text.length > 0 || m.attachments.length > 0;
const emptyText = { message: "text must not be empty", path: ["text"] };

export const SendMessageBody = z.strictObject({ ...messageFields, ...replyField }).refine(textOrAttachment, emptyText);
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const SendMessagePayload = z
  .strictObject({ conversationId: Id, ...messageFields, ...replyField })
  .refine(textOrAttachment, emptyText);
export type SendMessagePayload = z.infer<typeof SendMessagePayload>;

export const MarkReadBody = z.strictObject({ seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
export type MarkReadBody = z.infer<typeof MarkReadBody>;

export const MarkReadPayload = MarkReadBody.extend({ conversationId: Id });
export type MarkReadPayload = z.infer<typeof MarkReadPayload>;

export const TypingPayload = z.strictObject({ conversationId: Id, typing: z.boolean() });
export type TypingPayload = z.infer<typeof TypingPayload>;

export const SyncPayload = z.strictObject({
  conversationId: Id,
  after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  limit: z.number().int().min(1).max(limits.pageSizeMax).optional(),
});
export type SyncPayload = z.infer<typeof SyncPayload>;

export const AvatarSize = z.union(limits.avatarSizes.map((n) => z.literal(n)));
export type AvatarSize = (typeof limits.avatarSizes)[number];

export const AvatarQuery = z.object({
  size: z.coerce
    .number()
    .pipe(AvatarSize)
    .default(limits.avatarSizeDefault as AvatarSize),
});
export type AvatarQuery = z.infer<typeof AvatarQuery>;

const MessageText = z
  .string()
  .trim()
  .min(1, "text must not be empty")
  .max(limits.messageTextMax, `text must be at most ${limits.messageTextMax} characters`);

export const EditMessageBody = z.strictObject({ text: MessageText });
export type EditMessageBody = z.infer<typeof EditMessageBody>;
export const EditMessagePayload = EditMessageBody.extend({ messageId: Id });
export type EditMessagePayload = z.infer<typeof EditMessagePayload>;

export const DeleteMessagePayload = z.strictObject({ messageId: Id });
export type DeleteMessagePayload = z.infer<typeof DeleteMessagePayload>;

/** One emoji (a pictographic grapheme, with modifiers and joiners), not arbitrary text. */
export const Emoji = z
  .string()
  .min(1)
  .max(limits.emojiMax)
  .regex(
    // A flag (two regional indicators), a keycap, or a pictograph with optional presentation
    // selector / skin tone, possibly joined (ZWJ) to more such pictographs.
    /^(?:\p{Regional_Indicator}{2}|[0-9#*]\ufe0f?\u20e3|\p{Extended_Pictographic}(?:\ufe0f|\p{Emoji_Modifier})?(?:\u200d\p{Extended_Pictographic}(?:\ufe0f|\p{Emoji_Modifier})?)*)$/u,
    "emoji must be a single emoji",
  );

export const ReactBody = z.strictObject({ emoji: Emoji });
export type ReactBody = z.infer<typeof ReactBody>;
export const ReactPayload = ReactBody.extend({ messageId: Id });
export type ReactPayload = z.infer<typeof ReactPayload>;

export const ChangesQuery = z.object({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  limit: z.coerce.number().int().min(1).max(limits.pageSizeMax).default(limits.pageSizeMax),
});
export type ChangesQuery = z.infer<typeof ChangesQuery>;
export const ChangesPayload = z.strictObject({
  conversationId: Id,
  after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  limit: z.number().int().min(1).max(limits.pageSizeMax).optional(),
});
export type ChangesPayload = z.infer<typeof ChangesPayload>;

export const MuteBody = z.strictObject({ muted: z.boolean() });
export type MuteBody = z.infer<typeof MuteBody>;

export const SearchQuery = z.object({
  q: z.string().trim().min(1, "q must not be empty").max(limits.searchQueryMax),
  conversationId: Id.optional(),
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(limits.searchPageMax).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;
