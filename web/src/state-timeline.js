// The state model's timelines: entries stored by seq (gaps, duplicates and overlapping pages handled), edits,
// deletes and reactions applied in any order, unread and mention counting, read markers, and what the composer asks
// of a room's lines. Added to ChatState (state.js) as methods; pure like it.

import { reactionEmoji } from './emoji.js';
import { POST_KINDS, META_KINDS } from './state-room.js';

export const timelineOps = {
  // ---- timeline -----------------------------------------------------------------------------------------------

  /**
   * A live entry (a `message` frame). Returns what a view or the client may act on:
   * {added, counted, mentionsMe, fromOther, gap}.
   */
  applyEntry(e, now = Date.now()) {
    const r = this.room(e.room);
    const added = this._store(r, e, e.seq);
    const res = { added, counted: false, mentionsMe: false, fromOther: e.sender !== this.me, gap: false, room: r };
    if (!added) return res;
    this._extendRun(r);
    res.gap = r.hasGap();
    r.lastSeq = Math.max(r.lastSeq, e.seq);
    if (POST_KINDS.has(e.kind)) {
      r.typing.delete(e.sender);
      this._wrote(r, e.sender, e.seq);
      const t = Date.parse(e.sentAt);
      if (!Number.isNaN(t)) r.lastActivity = Math.max(r.lastActivity, t);
      if (e.sender === this.me) {
        // A send moves the sender's marker to it.
        if (e.seq > r.readSeq) {
          r.readSeq = e.seq;
          r.unread = 0;
          r.mentions = 0;
        }
        if (e.clientMsgId) {
          this.outbox.remove(e.clientMsgId);
          this.acked.delete(e.clientMsgId);
        }
      } else if (e.seq > r.countedUpTo && e.seq > r.readSeq && !this.isBlocked(e.sender)) {
        // Someone the user blocks counts for nothing, as the node's unread counts say.
        r.unread++;
        res.counted = true;
        if (this.mentionsMe(e)) {
          r.mentions++;
          res.mentionsMe = true;
        }
      }
    } else if (e.sender === this.me && e.clientMsgId) {
      // Our own edit, delete or reaction came back.
      this.outbox.remove(e.clientMsgId);
      this.acked.delete(e.clientMsgId);
    }
    r.countedUpTo = Math.max(r.countedUpTo, e.seq);
    if (e.kind === 'topic') r.topic = e.text || null;
    if (e.kind === 'renamed' && e.text) r.name = e.text;
    if (e.kind === 'visibility' && e.text) r.visibility = e.text;
    if (e.kind === 'who_invites') r.membersInvite = e.text === 'members';
    if (e.kind === 'settings') {
      if (typeof e.capacity === 'number') r.capacity = e.capacity;
      if (typeof e.passcode === 'boolean') r.passcode = e.passcode;
    }
    this._applyMembership(r, e);
    if (e.kind === 'trimmed' && typeof e.floorSeq === 'number') r.floor = Math.max(r.floor, e.floorSeq);
    return res;
  },

  /** Who is in the room, as a membership entry changes it (a newcomer is a member from their `joined` on). */
  _applyMembership(r, e) {
    if (r.members) {
      if (e.kind === 'joined') r.members.set(e.sender, { username: e.sender, role: 'member' });
      if (e.kind === 'left' || e.kind === 'account_closed') r.members.delete(e.sender);
      if ((e.kind === 'kicked' || e.kind === 'banned') && e.user) r.members.delete(e.user);
      if (e.kind === 'role' && e.user) {
        if (e.role === 'owner') {
          const old = r.members.get(r.owner);
          if (old) old.role = 'admin';
          r.owner = e.user;
        }
        const m = r.members.get(e.user);
        if (m) m.role = e.role;
      }
    } else if (e.kind === 'role' && e.role === 'owner' && e.user) {
      r.owner = e.user;
    }
  },

  mentionsMe(e) {
    return Array.isArray(e.mentions) && e.mentions.includes(this.me);
  },

  /**
   * A page of `GET /rooms/{id}/messages`. `direction`: 'newest' (no cursor), 'before' or 'after' (the run's ends),
   * or 'around' (a read at a seq of one's choosing: it says nothing of where the run or the room starts). Entries
   * that do not touch the run are held apart from it (see RoomState.segmentAround): the resume cursor never moves
   * past a hole. Returns the number of entries added.
   */
  applyPage(roomId, page, direction) {
    const r = this.room(roomId);
    const msgs = page.messages || [];
    // A history read shows each message as it is now: state at least as new as the page's end and what we hold.
    let stateSeq = r.cursor || 0;
    for (const m of msgs) stateSeq = Math.max(stateSeq, m.seq);
    let added = 0;
    for (const m of msgs) {
      if (this._store(r, m, stateSeq)) {
        added++;
        if (POST_KINDS.has(m.kind)) {
          const t = Date.parse(m.sentAt);
          if (!Number.isNaN(t)) r.lastActivity = Math.max(r.lastActivity, t);
        }
        if (m.sender === this.me && m.clientMsgId) {
          this.outbox.remove(m.clientMsgId);
          this.acked.delete(m.clientMsgId);
        }
        r.lastSeq = Math.max(r.lastSeq, m.seq);
      }
    }
    if (page.trimmed && typeof page.floorSeq === 'number') r.floor = Math.max(r.floor, page.floorSeq);
    this._extendRun(r);
    if ((direction === 'before' || direction === 'newest') && !page.hasMore) {
      // Nothing older than the page's first entry exists (or an empty page: nothing at all before the run).
      if (msgs.length === 0 || (r.runStart !== null && r.runStart <= msgs[0].seq)) r.atStart = true;
    }
    if (r.runStart !== null && r.runStart <= r.floor) r.atStart = true;
    if (added) r.rev++;
    return added;
  },

  /** A `reset` frame or a `cursor_ahead` answer: forget the room's entries. */
  resetRoom(roomId, lastSeq) {
    const r = this.room(roomId);
    r.entries.clear();
    r.cursor = null;
    r.runStart = null;
    r.atStart = false;
    if (typeof lastSeq === 'number') {
      r.lastSeq = lastSeq;
      r.countedUpTo = Math.max(r.countedUpTo, lastSeq);
    }
    r.rev++;
    return r;
  },

  /** A `trimmed` frame: the room's next entry is floorSeq; nothing below it exists any more. */
  applyTrimmed(roomId, floorSeq) {
    const r = this.room(roomId);
    r.floor = Math.max(r.floor, floorSeq);
    for (const seq of [...r.entries.keys()]) if (seq < floorSeq) r.entries.delete(seq);
    if (r.cursor === null || r.cursor < floorSeq - 1) {
      r.cursor = floorSeq - 1;
      r.runStart = floorSeq;
    } else if (r.runStart < floorSeq) {
      r.runStart = floorSeq;
    }
    r.atStart = true;
    this._extendRun(r);
    r.rev++;
    return r;
  },

  _store(r, e, stateSeq) {
    if (r.entries.has(e.seq)) return false;
    if (e.seq < r.floor) return false;
    const entry = { ...e, stateSeq, textSeq: stateSeq, rev: 0, reactions: toReactionMap(e.reactions), reactSeqs: new Map() };
    r.entries.set(e.seq, entry);
    if (META_KINDS.has(e.kind)) this._applyMeta(r, entry);
    r.rev++;
    return true;
  },

  _applyMeta(r, m) {
    const t = r.entries.get(m.target);
    if (!t || m.seq <= t.stateSeq) return;
    if (m.kind === 'edit') {
      if (t.deleted || m.seq <= t.textSeq) return;
      t.text = m.text;
      t.editedAt = m.sentAt;
      t.textSeq = m.seq;
      if (Array.isArray(m.mentions)) t.mentions = m.mentions;
    } else if (m.kind === 'delete') {
      t.deleted = true;
      t.text = null;
    } else if (m.kind === 'reaction') {
      const emoji = reactionEmoji(m.emoji);
      const key = m.sender + '\u0000' + emoji;
      if ((t.reactSeqs.get(key) || 0) >= m.seq) return;
      t.reactSeqs.set(key, m.seq);
      let who = t.reactions.get(emoji);
      if (m.on) {
        if (!who) t.reactions.set(emoji, (who = []));
        if (!who.includes(m.sender)) who.push(m.sender);
      } else if (who) {
        const i = who.indexOf(m.sender);
        if (i >= 0) who.splice(i, 1);
        if (who.length === 0) t.reactions.delete(emoji);
      }
    }
    t.rev++;
  },

  _extendRun(r) {
    if (r.cursor === null) {
      if (r.entries.size === 0) return;
      const lowest = Math.min(...r.entries.keys());
      r.cursor = lowest;
      r.runStart = lowest;
    }
    while (r.entries.has(r.cursor + 1)) r.cursor++;
    while (r.runStart > r.floor && r.entries.has(r.runStart - 1)) r.runStart--;
  },

  // ---- read markers -------------------------------------------------------------------------------------------

  /** Marks what the room holds as read. Returns the seq to send in a `read` frame, or null if nothing moved. */
  markRead(roomId) {
    const r = this.rooms.get(roomId);
    if (!r || r.cursor === null) return null;
    const hadUnread = r.unread > 0 || r.mentions > 0;
    r.unread = 0;
    r.mentions = 0;
    if (r.cursor <= r.readSeq) {
      if (hadUnread) r.rev++;
      return null;
    }
    r.readSeq = r.cursor;
    r.rev++;
    return r.cursor;
  },

  /** The seq after which the "new messages" line goes when the room is opened, or null. */
  newLineAfter(roomId) {
    const r = this.rooms.get(roomId);
    if (!r || r.cursor === null) return null;
    for (let s = r.readSeq + 1; s <= r.cursor; s++) {
      const e = r.entries.get(s);
      if (e && POST_KINDS.has(e.kind) && e.sender !== this.me) return r.readSeq;
    }
    return null;
  },

  totalUnread() {
    let n = 0;
    for (const r of this.rooms.values()) n += r.unread;
    return n;
  },

  // ---- the composer's questions -------------------------------------------------------------------------------

  /** The user's last message in the room that can still be edited, or null. */
  lastOwnMessage(roomId) {
    const r = this.rooms.get(roomId);
    if (!r || r.cursor === null) return null;
    for (let s = r.cursor; s >= r.runStart; s--) {
      const e = r.entries.get(s);
      if (e && e.kind === 'message' && e.sender === this.me && !e.deleted) return e;
    }
    return null;
  },

  /** Names to offer after `@`: the room's members starting with the prefix, recent speakers first. */
  mentionCandidates(roomId, prefix, limit = 8) {
    const r = this.rooms.get(roomId);
    if (!r) return [];
    const p = prefix.toLowerCase();
    const recent = [];
    const seen = new Set();
    if (r.cursor !== null) {
      for (let s = r.cursor; s >= r.runStart && recent.length < 50; s--) {
        const e = r.entries.get(s);
        if (e && POST_KINDS.has(e.kind) && !seen.has(e.sender)) {
          seen.add(e.sender);
          recent.push(e.sender);
        }
      }
    }
    const members = r.members ? [...r.members.keys()].sort() : [];
    const names = [];
    for (const n of recent.concat(members)) {
      if (n === this.me || names.includes(n)) continue;
      if (r.members && !r.members.has(n)) continue;
      if (n.startsWith(p)) names.push(n);
    }
    if (!r.isDirect && 'room'.startsWith(p) && p.length > 0) names.push('room');
    return names.slice(0, limit);
  },
};

/** A message's `reactions`, keyed by emoji: a shortcode and its emoji are one reaction (one chip). */
function toReactionMap(obj) {
  const m = new Map();
  if (obj && typeof obj === 'object') {
    for (const [key, who] of Object.entries(obj)) {
      if (!Array.isArray(who) || !who.length) continue;
      const emoji = reactionEmoji(key);
      const all = m.get(emoji) || [];
      for (const name of who) if (!all.includes(name)) all.push(name);
      m.set(emoji, all);
    }
  }
  return m;
}
