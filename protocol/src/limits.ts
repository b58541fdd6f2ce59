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
  clientIdMax: 64,
  /** A `typing: true` not renewed within this window is expired by the server. */
  typingTtlMs: 6000,
} as const;
