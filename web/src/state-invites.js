// The state model's invitations (group DMs from strangers, waiting for an answer) and the users the user blocks.
// Added to ChatState (state.js) as methods; pure like it.

export const inviteOps = {
  /**
   * The list of `GET /me/invites`, asked for when `inviteEpoch` was `epochAtRequest`: it replaces what is held,
   * except for rooms a frame or an answer spoke of since (that is newer than the list).
   */
  applyInviteList(items, epochAtRequest) {
    const next = new Map();
    for (const i of items || []) {
      if (!validInvite(i) || this.rooms.has(i.room.id) || this._inviteMarkedAfter(i.room.id, epochAtRequest)) continue;
      next.set(i.room.id, i);
    }
    for (const [id, i] of this.invites) if (this._inviteMarkedAfter(id, epochAtRequest)) next.set(id, i);
    this.invites = next;
    for (const [id, epoch] of this.inviteMarks) if (epoch <= epochAtRequest) this.inviteMarks.delete(id);
  },

  _inviteMarkedAfter(roomId, epoch) {
    const m = this.inviteMarks.get(roomId);
    return m !== undefined && m > epoch;
  },

  _markInvite(roomId) {
    this.inviteMarks.set(roomId, ++this.inviteEpoch);
  },

  /** An `invite` frame. Returns true for news: not held yet, well formed, and not to a room the user holds. */
  applyInvite(invite) {
    if (!validInvite(invite)) return false;
    this._markInvite(invite.room.id);
    if (this.rooms.has(invite.room.id)) return false;
    const had = this.invites.has(invite.room.id);
    this.invites.set(invite.room.id, invite);
    return !had;
  },

  /** An invitation ended (an `invite_ended` frame, or this client's answer). Returns the one held, or null. */
  endInvite(roomId) {
    this._markInvite(roomId);
    const i = this.invites.get(roomId) || null;
    this.invites.delete(roomId);
    return i;
  },

  /** Invitations oldest first, as the server lists them. */
  orderedInvites() {
    return [...this.invites.values()].sort((a, b) => String(a.at).localeCompare(String(b.at)) || a.room.id.localeCompare(b.room.id));
  },

  /** `GET /me/blocks`. */
  applyBlocks(names) {
    this.blocks = new Set(names || []);
  },

  /** The user blocked `username`: their invitations end. Returns the room ids of the invitations ended. */
  blocked(username) {
    if (this.blocks) this.blocks.add(username);
    const ended = [...this.invites.values()].filter((i) => i.from === username).map((i) => i.room.id);
    for (const id of ended) this.endInvite(id);
    return ended;
  },

  unblocked(username) {
    if (this.blocks) this.blocks.delete(username);
  },

  /** Whether the user blocks `username` (false until the list is read). */
  isBlocked(username) {
    return !!(this.blocks && this.blocks.has(username));
  },

  /** Blocked users, sorted; empty until read. */
  blockedUsers() {
    return this.blocks ? [...this.blocks].sort() : [];
  },
};

function validInvite(i) {
  return !!(i && i.room && typeof i.room.id === 'string' && typeof i.from === 'string');
}
