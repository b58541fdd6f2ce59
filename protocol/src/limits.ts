/** Bounds shared by server validation and client forms. */
export const limits = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 256,
  displayNameMax: 64,
  messageTextMax: 4000,
  groupNameMax: 100,
  /** Members of a group, owner included. */
  groupMembersMax: 256,
  pageSizeDefault: 50,
  pageSizeMax: 100,
  userSearchMax: 20,
  searchQueryMax: 100,
  attachmentsPerMessageMax: 10,
  /** Square sizes (px) every avatar is stored at; `avatarUrl?size=` picks one (default 128). */
  avatarSizes: [64, 128, 256],
  avatarSizeDefault: 128,
  /** Longest side of an image attachment's thumbnail (webp). */
  thumbnailMaxSide: 512,
  clientIdMax: 64,
  /** Distinct emoji on one message. */
  reactionsPerMessageMax: 20,
  emojiMax: 16,
  replyExcerptMax: 140,
  searchPageMax: 50,
  /** A `typing: true` not renewed within this window is expired by the server. */
  typingTtlMs: 6000,
} as const;
