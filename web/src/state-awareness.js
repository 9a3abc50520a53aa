// The state model's view of the others: how far each member got (delivered and read receipts), who is typing, who
// is online. Added to ChatState (state.js) as methods; pure like it.

import { POST_KINDS } from './state-room.js';

/** How long someone's typing shows after their last typing frame (the server renews it every 2 s). */
export const TYPING_SHOWS_MS = 6000;

export const awarenessOps = {
  // ---- receipts -----------------------------------------------------------------------------------------------

  /** A `receipt` frame, or the members of `GET /rooms/{id}/receipts`. */
  applyReceipts(roomId, members) {
    const r = this.rooms.get(roomId);
    if (!r) return;
    for (const m of members || []) {
      const old = r.receipts.get(m.username) || { deliveredSeq: 0, readSeq: 0 };
      if (m.username === this.me && typeof m.readSeq === 'number') this.applyOwnMarker(roomId, m.readSeq);
      r.receipts.set(m.username, {
        deliveredSeq: Math.max(old.deliveredSeq || 0, m.deliveredSeq || 0),
        readSeq: m.readSeq === null ? null : Math.max(old.readSeq || 0, m.readSeq || 0),
      });
    }
    r.rev++;
  },

  /**
   * The user's read marker moved on another device (a `marker` frame, or their own receipt): read here too, its
   * unread count and mentions with it, and the notifications up to it (the Mentions badge).
   */
  applyOwnMarker(roomId, readSeq) {
    const r = this.rooms.get(roomId);
    if (!r || !(readSeq > r.readSeq)) return;
    r.readSeq = readSeq;
    if (r.readSeq >= r.lastSeq) {
      r.unread = 0;
      r.mentions = 0;
    } else if (r.cursor !== null && r.cursor >= r.lastSeq) {
      // Everything after the marker is held: count it again, as applyEntry counted it.
      r.unread = 0;
      r.mentions = 0;
      for (let seq = readSeq + 1; seq <= r.cursor; seq++) {
        const e = r.entries.get(seq);
        if (e && POST_KINDS.has(e.kind) && e.sender !== this.me && !this.isBlocked(e.sender)) {
          r.unread++;
          if (this.mentionsMe(e)) r.mentions++;
        }
      }
    }
    r.rev++;
  },

  /**
   * A member posted at `seq`: they have it and have read up to it (the server counts it so and sends no receipt for
   * it). Only for a member whose receipts are known; a hidden read marker stays hidden.
   */
  _wrote(r, username, seq) {
    const m = r.receipts.get(username);
    if (!m) return;
    m.deliveredSeq = Math.max(m.deliveredSeq || 0, seq);
    if (m.readSeq !== null) m.readSeq = Math.max(m.readSeq || 0, seq);
  },

  /**
   * What became of one of the user's own entries: {status: 'sent' | 'delivered' | 'read', read, others}.
   * `read` counts the others who read it, `others` the other members.
   */
  receiptStatus(roomId, seq) {
    const r = this.rooms.get(roomId);
    if (!r) return { status: 'sent', read: 0, others: 0 };
    const names = new Set(r.members ? r.members.keys() : r.receipts.keys());
    names.delete(this.me);
    let delivered = false;
    let read = 0;
    for (const name of names) {
      const m = r.receipts.get(name);
      if (!m) continue;
      if ((m.deliveredSeq || 0) >= seq || (m.readSeq || 0) >= seq) delivered = true;
      if (m.readSeq !== null && (m.readSeq || 0) >= seq) read++;
    }
    return { status: read > 0 ? 'read' : delivered ? 'delivered' : 'sent', read, others: names.size };
  },

  // ---- typing and presence ------------------------------------------------------------------------------------

  applyTyping(f, now) {
    const r = this.rooms.get(f.room);
    if (!r || f.username === this.me || this.isBlocked(f.username)) return;
    if (f.stop) r.typing.delete(f.username);
    else r.typing.set(f.username, now + TYPING_SHOWS_MS);
    r.rev++;
  },

  /** Who is typing in the room at `now`, in the order they started; drops the expired. */
  typers(roomId, now) {
    const r = this.rooms.get(roomId);
    if (!r) return [];
    const out = [];
    for (const [name, until] of r.typing) {
      if (until <= now) r.typing.delete(name);
      else out.push(name);
    }
    return out;
  },

  applyPresence(members) {
    for (const m of members || []) {
      this.presenceEpoch++;
      this.users.set(m.username, { online: m.online, lastSeen: m.lastSeen, frameEpoch: this.presenceEpoch });
      if (!m.online) {
        for (const r of this.rooms.values()) if (r.typing.delete(m.username)) r.rev++;
      }
      this.touchMember(m.username);
    }
  },

  /** Rooms that list `username` are drawn again. */
  touchMember(username) {
    for (const r of this.rooms.values()) if (r.members && r.members.has(username)) r.rev++;
  },

  presenceOf(username) {
    return this.users.get(username) || { online: false, lastSeen: null };
  },
};
