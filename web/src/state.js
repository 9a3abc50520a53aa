// The web client's state model: rooms, timelines keyed by seq, the outbox, receipts, typing, presence, unread and
// mention counts, and the resume cursor. Pure: no DOM, no timers, no network; time comes in as arguments. The
// client (client.js) feeds it frames and pages, the view (ui-*.js) reads it.

/** Entries a person counts as unread and that make a room "active": posts. */
export const POST_KINDS = new Set(['message', 'file']);
/** Entries that change another entry and are not shown as lines of their own. */
export const META_KINDS = new Set(['edit', 'delete', 'reaction']);
/** Entries shown as lines of the timeline. Kinds a later protocol adds are skipped. */
export const SHOWN_KINDS = new Set(['message', 'file', 'joined', 'left', 'account_closed', 'topic', 'renamed',
  'settings', 'kicked', 'banned', 'unbanned', 'role', 'retention', 'trimmed']);

/** How long someone's typing shows after their last typing frame (the server renews it every 2 s). */
export const TYPING_SHOWS_MS = 6000;
/** A client tells the room it is typing at most this often. */
export const TYPING_EVERY_MS = 2000;
/** A client sends a room's delivered marker at most this often. */
export const DELIVERED_EVERY_MS = 1000;
/** Most rooms a handshake's `after` may name. */
export const MAX_AFTER_ROOMS = 1000;

export class RoomState {
  constructor(id) {
    this.id = id;
    this.name = null;
    this.kind = null;
    this.owner = null;
    this.topic = null;
    this.capacity = null;
    this.passcode = false;
    this.unavailable = false;
    /** Newest seq known to exist. */
    this.lastSeq = 0;
    /** The user's read marker. */
    this.readSeq = 0;
    this.unread = 0;
    this.mentions = 0;
    /** Entries up to this seq are already in `unread` / `mentions` (from hello or counted here). */
    this.countedUpTo = 0;
    /** seq -> entry (every kind, meta entries too). */
    this.entries = new Map();
    /**
     * Stream position: every seq from runStart to cursor is held. Null while nothing of the room is held. This is
     * what the handshake's `after` names.
     */
    this.cursor = null;
    this.runStart = null;
    /** The lowest seq the room still has (retention). */
    this.floor = 1;
    /** History reaches back to the floor: nothing older to load. */
    this.atStart = false;
    /** username -> {username, role}; null until the room's details were read. */
    this.members = null;
    /** username -> {deliveredSeq, readSeq} */
    this.receipts = new Map();
    /** username -> expiry (local ms) */
    this.typing = new Map();
    /** ms since the epoch of the newest post, or of when the user came into the room. */
    this.lastActivity = 0;
    /** Bumped on every change a view shows. */
    this.rev = 0;
  }

  get isDirect() {
    return this.kind === 'dm' || this.kind === 'group';
  }

  /** Held entries above the gap-free run (a fetch or the socket will fill what is between). */
  hasGap() {
    if (this.cursor === null) return false;
    for (const seq of this.entries.keys()) if (seq > this.cursor) return true;
    return false;
  }

  /** The entries of the gap-free run that are shown as lines, ascending by seq. */
  visibleEntries() {
    const out = [];
    if (this.cursor === null) return out;
    for (let s = this.runStart; s <= this.cursor; s++) {
      const e = this.entries.get(s);
      if (e && SHOWN_KINDS.has(e.kind)) out.push(e);
    }
    return out;
  }

  hasMoreBefore() {
    return !this.atStart && (this.runStart === null || this.runStart > this.floor);
  }
}

export class ChatState {
  constructor(username) {
    this.me = username;
    /** id -> RoomState */
    this.rooms = new Map();
    /** username -> {online, lastSeen, frameEpoch} */
    this.users = new Map();
    /** Counts presence frames' users; a room read answered after a frame about a user keeps the frame's state. */
    this.presenceEpoch = 0;
    /** Unread notifications in the inbox (hello's `notifications`, then counted). */
    this.notifications = 0;
    this.outbox = new Outbox();
    /** clientMsgId -> {room, seq, sentAt}: sends acknowledged whose entry has not come yet. */
    this.acked = new Map();
  }

  room(id) {
    let r = this.rooms.get(id);
    if (!r) {
      r = new RoomState(id);
      this.rooms.set(id, r);
    }
    return r;
  }

  // ---- hello and room summaries ------------------------------------------------------------------------------

  /**
   * Applies a `hello` frame (or `GET /me`): rooms missing from it are rooms the user left, and are dropped.
   * Returns the ids dropped.
   */
  applyHello(hello) {
    const seen = new Set();
    for (const s of hello.rooms || []) {
      seen.add(s.id);
      this.applySummary(s);
    }
    const removed = [];
    for (const id of [...this.rooms.keys()]) {
      if (!seen.has(id)) {
        this.dropRoom(id);
        removed.push(id);
      }
    }
    if (typeof hello.notifications === 'number') this.notifications = hello.notifications;
    return removed;
  }

  applySummary(s) {
    const r = this.room(s.id);
    if (s.unavailable) {
      r.unavailable = true;
      r.rev++;
      return r;
    }
    r.unavailable = false;
    if (s.name != null) r.name = s.name;
    if (s.kind != null) r.kind = s.kind;
    r.lastSeq = Math.max(r.lastSeq, s.lastSeq);
    r.readSeq = s.readSeq;
    r.unread = s.unread;
    r.mentions = s.mentions || 0;
    // Everything up to lastSeq is counted in the summary: entries the socket sends again are not counted twice.
    r.countedUpTo = Math.max(r.countedUpTo, s.lastSeq);
    r.rev++;
    return r;
  }

  /** A Room (GET /rooms/{id}, join, create, PATCH ...). `epochAtRequest`: presenceEpoch when it was asked for. */
  applyRoomDetails(room, epochAtRequest = Infinity) {
    const r = this.room(room.id);
    r.name = room.name;
    r.kind = room.kind;
    r.owner = room.owner;
    r.capacity = room.capacity;
    r.passcode = room.passcode;
    r.topic = room.topic || null;
    if (typeof room.floorSeq === 'number') r.floor = Math.max(r.floor, room.floorSeq);
    r.lastSeq = Math.max(r.lastSeq, room.lastSeq);
    r.unavailable = false;
    if (Array.isArray(room.members) && (room.members.length > 0 || !room.passcode)) {
      r.members = new Map();
      for (const m of room.members) {
        r.members.set(m.username, { username: m.username, role: m.role || (m.username === room.owner ? 'owner' : 'member') });
        const u = this.users.get(m.username);
        if (!u || u.frameEpoch === undefined || u.frameEpoch <= epochAtRequest) {
          this.users.set(m.username, { online: m.online, lastSeen: m.lastSeen, frameEpoch: u ? u.frameEpoch : undefined });
        }
      }
    }
    r.rev++;
    return r;
  }

  /** The room was left, kicked from, deleted: what waited to be sent there can never go. */
  dropRoom(id) {
    for (const i of this.outbox.items.filter((x) => x.room === id)) this.outbox.remove(i.clientMsgId);
    for (const [k, a] of this.acked) if (a.room === id) this.acked.delete(k);
    return this.rooms.delete(id);
  }

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
      } else if (e.seq > r.countedUpTo && e.seq > r.readSeq) {
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
    if (e.kind === 'settings') {
      if (typeof e.capacity === 'number') r.capacity = e.capacity;
      if (typeof e.passcode === 'boolean') r.passcode = e.passcode;
    }
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
    if (e.kind === 'trimmed' && typeof e.floorSeq === 'number') r.floor = Math.max(r.floor, e.floorSeq);
    return res;
  }

  mentionsMe(e) {
    return Array.isArray(e.mentions) && e.mentions.includes(this.me);
  }

  /**
   * A page of `GET /rooms/{id}/messages`. `direction`: 'newest' (no cursor), 'before' or 'after'.
   * Returns the number of entries added.
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
  }

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
  }

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
  }

  _store(r, e, stateSeq) {
    if (r.entries.has(e.seq)) return false;
    if (e.seq < r.floor) return false;
    const entry = { ...e, stateSeq, textSeq: stateSeq, rev: 0, reactions: toReactionMap(e.reactions), reactSeqs: new Map() };
    r.entries.set(e.seq, entry);
    if (META_KINDS.has(e.kind)) this._applyMeta(r, entry);
    r.rev++;
    return true;
  }

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
      const key = m.sender + '\u0000' + m.emoji;
      if ((t.reactSeqs.get(key) || 0) >= m.seq) return;
      t.reactSeqs.set(key, m.seq);
      let who = t.reactions.get(m.emoji);
      if (m.on) {
        if (!who) t.reactions.set(m.emoji, (who = []));
        if (!who.includes(m.sender)) who.push(m.sender);
      } else if (who) {
        const i = who.indexOf(m.sender);
        if (i >= 0) who.splice(i, 1);
        if (who.length === 0) t.reactions.delete(m.emoji);
      }
    }
    t.rev++;
  }

  _extendRun(r) {
    if (r.cursor === null) {
      if (r.entries.size === 0) return;
      const lowest = Math.min(...r.entries.keys());
      r.cursor = lowest;
      r.runStart = lowest;
    }
    while (r.entries.has(r.cursor + 1)) r.cursor++;
    while (r.runStart > r.floor && r.entries.has(r.runStart - 1)) r.runStart--;
  }

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
  }

  /** The seq after which the "new messages" line goes when the room is opened, or null. */
  newLineAfter(roomId) {
    const r = this.rooms.get(roomId);
    if (!r || r.cursor === null) return null;
    for (let s = r.readSeq + 1; s <= r.cursor; s++) {
      const e = r.entries.get(s);
      if (e && POST_KINDS.has(e.kind) && e.sender !== this.me) return r.readSeq;
    }
    return null;
  }

  totalUnread() {
    let n = 0;
    for (const r of this.rooms.values()) n += r.unread;
    return n;
  }

  // ---- receipts -----------------------------------------------------------------------------------------------

  /** A `receipt` frame, or the members of `GET /rooms/{id}/receipts`. */
  applyReceipts(roomId, members) {
    const r = this.rooms.get(roomId);
    if (!r) return;
    for (const m of members || []) {
      const old = r.receipts.get(m.username) || { deliveredSeq: 0, readSeq: 0 };
      r.receipts.set(m.username, {
        deliveredSeq: Math.max(old.deliveredSeq || 0, m.deliveredSeq || 0),
        readSeq: m.readSeq === null ? null : Math.max(old.readSeq || 0, m.readSeq || 0),
      });
    }
    r.rev++;
  }

  /**
   * A member posted at `seq`: they have it and have read up to it (the server counts it so and sends no receipt for
   * it). Only for a member whose receipts are known; a hidden read marker stays hidden.
   */
  _wrote(r, username, seq) {
    const m = r.receipts.get(username);
    if (!m) return;
    m.deliveredSeq = Math.max(m.deliveredSeq || 0, seq);
    if (m.readSeq !== null) m.readSeq = Math.max(m.readSeq || 0, seq);
  }

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
  }

  // ---- typing and presence ------------------------------------------------------------------------------------

  applyTyping(f, now) {
    const r = this.rooms.get(f.room);
    if (!r || f.username === this.me) return;
    if (f.stop) r.typing.delete(f.username);
    else r.typing.set(f.username, now + TYPING_SHOWS_MS);
    r.rev++;
  }

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
  }

  applyPresence(members) {
    for (const m of members || []) {
      this.presenceEpoch++;
      this.users.set(m.username, { online: m.online, lastSeen: m.lastSeen, frameEpoch: this.presenceEpoch });
      if (!m.online) {
        for (const r of this.rooms.values()) if (r.typing.delete(m.username)) r.rev++;
      }
      for (const r of this.rooms.values()) if (r.members && r.members.has(m.username)) r.rev++;
    }
  }

  presenceOf(username) {
    return this.users.get(username) || { online: false, lastSeen: null };
  }

  // ---- resume -------------------------------------------------------------------------------------------------

  /** The handshake's `after` value: each held room at its cursor, most active first, at most 1000. */
  resumeCursor() {
    const held = [...this.rooms.values()].filter((r) => r.cursor !== null);
    held.sort((a, b) => b.lastActivity - a.lastActivity);
    return held.slice(0, MAX_AFTER_ROOMS).map((r) => `${r.id}:${r.cursor}`).join(',');
  }

  /** Rooms in the sidebar's order: rooms first, then DMs and groups, each most recently active first. */
  orderedRooms() {
    const byActivity = (a, b) => b.lastActivity - a.lastActivity || b.lastSeq - a.lastSeq
      || (a.name || a.id).localeCompare(b.name || b.id);
    const all = [...this.rooms.values()];
    const rooms = all.filter((r) => !r.isDirect).sort(byActivity);
    const dms = all.filter((r) => r.isDirect).sort(byActivity);
    return rooms.concat(dms);
  }

  /** The name to show for a room: a DM by the other party, a group by the others. */
  displayName(r) {
    if (r.kind === 'dm' && r.id.startsWith('dm:')) {
      const [, a, b] = r.id.split(':');
      return a === this.me ? b : a;
    }
    if (r.kind === 'group' && r.name) {
      return r.name.split(', ').filter((n) => n !== this.me).join(', ') || r.name;
    }
    return r.name || r.id;
  }

  /** The other party of a DM, or null. */
  dmPeer(r) {
    if (r.kind !== 'dm' || !r.id.startsWith('dm:')) return null;
    const [, a, b] = r.id.split(':');
    return a === this.me ? b : a;
  }

  /** The user's own role in a room: owner, admin, member, or null. */
  myRole(roomId) {
    const r = this.rooms.get(roomId);
    if (!r || r.isDirect) return null;
    if (r.owner === this.me) return 'owner';
    const m = r.members && r.members.get(this.me);
    return m ? m.role : null;
  }

  /** The user's last message in the room that can still be edited, or null. */
  lastOwnMessage(roomId) {
    const r = this.rooms.get(roomId);
    if (!r || r.cursor === null) return null;
    for (let s = r.cursor; s >= r.runStart; s--) {
      const e = r.entries.get(s);
      if (e && e.kind === 'message' && e.sender === this.me && !e.deleted) return e;
    }
    return null;
  }

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
  }
}

function toReactionMap(obj) {
  const m = new Map();
  if (obj && typeof obj === 'object') {
    for (const [emoji, who] of Object.entries(obj)) if (Array.isArray(who) && who.length) m.set(emoji, [...who]);
  }
  return m;
}

// ---- outbox ---------------------------------------------------------------------------------------------------

/**
 * Sends not yet acknowledged, in the order they were made, each with its clientMsgId. Kept across reloads by the
 * client (`toJSON` / `Outbox.from`). An item: {clientMsgId, type: 'send'|'edit'|'delete'|'react', room, text?,
 * replyTo?, seq?, emoji?, createdAt, retryAt, failed?, error?}.
 */
export class Outbox {
  constructor(items = []) {
    this.items = items;
  }

  static from(json) {
    try {
      const arr = JSON.parse(json);
      if (!Array.isArray(arr)) return new Outbox();
      return new Outbox(arr.filter((i) => i && typeof i.clientMsgId === 'string' && typeof i.room === 'string'
        && ['send', 'edit', 'delete', 'react'].includes(i.type)));
    } catch {
      return new Outbox();
    }
  }

  toJSON() {
    return this.items;
  }

  add(item) {
    this.items.push({ retryAt: 0, createdAt: 0, ...item });
    return item;
  }

  get(clientMsgId) {
    return this.items.find((i) => i.clientMsgId === clientMsgId) || null;
  }

  remove(clientMsgId) {
    const i = this.items.findIndex((x) => x.clientMsgId === clientMsgId);
    if (i < 0) return null;
    return this.items.splice(i, 1)[0];
  }

  /** Items to (re)send now: not failed, not waiting for a retry time. */
  due(now) {
    return this.items.filter((i) => !i.failed && (i.retryAt || 0) <= now);
  }

  /** The earliest retry time still ahead, or null. */
  nextRetry(now) {
    let t = null;
    for (const i of this.items) if (!i.failed && i.retryAt > now && (t === null || i.retryAt < t)) t = i.retryAt;
    return t;
  }

  /** An error frame with `ref` = clientMsgId: retry later (rate_limited, unavailable) or give up. */
  refused(clientMsgId, code, message, retryAfterMs, now) {
    const i = this.get(clientMsgId);
    if (!i) return null;
    if (code === 'rate_limited' || code === 'unavailable') {
      i.retryAt = now + (typeof retryAfterMs === 'number' ? retryAfterMs : 1000);
    } else {
      i.failed = true;
      i.error = message || code;
      i.code = code;
    }
    return i;
  }

  pendingIn(roomId) {
    return this.items.filter((i) => i.room === roomId && i.type === 'send');
  }

  get size() {
    return this.items.filter((i) => !i.failed).length;
  }
}

// ---- throttles ------------------------------------------------------------------------------------------------

/**
 * When to send typing frames for one room: a start at most every 2 s while the input changes and holds a
 * message, a stop when it is cleared after a start. `input(text, now)` returns 'start', 'stop' or null. The 2 s
 * run on across a send and a stop, as the server's relay period does (a start sooner would be dropped there).
 */
export class TypingThrottle {
  constructor(every = TYPING_EVERY_MS) {
    this.every = every;
    this.lastStart = null;
    this.active = false;
  }

  input(text, now) {
    const typing = text.trim().length > 0 && !(text.startsWith('/') && !text.startsWith('/me ') && !text.startsWith('//'));
    if (typing) {
      if (this.lastStart === null || now - this.lastStart >= this.every) {
        this.lastStart = now;
        this.active = true;
        return 'start';
      }
      return null;
    }
    if (this.active) {
      this.active = false;
      return 'stop';
    }
    return null;
  }

  /** The message was sent: the server ends the typing itself. */
  sent() {
    this.active = false;
  }
}

/**
 * `delivered` frames: per room, at most once a second, only when the room's held seq moved past what was sent.
 * `due(rooms, now)` returns [{room, seq}] to send now and remembers them; `nextAt(now)` when to look again.
 */
export class DeliveredThrottle {
  constructor(every = DELIVERED_EVERY_MS) {
    this.every = every;
    this.sent = new Map(); // room -> {seq, at}
  }

  due(rooms, now) {
    const out = [];
    for (const r of rooms) {
      if (r.cursor === null) continue;
      const s = this.sent.get(r.id);
      if (s && s.seq >= r.cursor) continue;
      if (s && now - s.at < this.every) continue;
      this.sent.set(r.id, { seq: r.cursor, at: now });
      out.push({ room: r.id, seq: r.cursor });
    }
    return out;
  }

  /** Rooms whose held seq moved but were sent less than a second ago: when the earliest may go. */
  nextAt(rooms, now) {
    let t = null;
    for (const r of rooms) {
      if (r.cursor === null) continue;
      const s = this.sent.get(r.id);
      if (s && s.seq < r.cursor) {
        const at = s.at + this.every;
        if (t === null || at < t) t = Math.max(at, now);
      }
    }
    return t;
  }

  /** After a reconnect the server knows the markers already; nothing need be forgotten. */
  forget(roomId) {
    this.sent.delete(roomId);
  }
}

/** Reconnect delay for the n-th attempt (0-based): 0.5 s doubling up to 30 s, with jitter of up to half. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(30000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base / 2 + (base / 2) * random());
}

/** A fresh clientMsgId: `w-` and 24 hex digits from the browser's random source. */
export function newClientMsgId(randomBytes) {
  const b = randomBytes(12);
  return 'w-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
