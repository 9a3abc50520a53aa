// The client's sends: the outbox (each item sent with its clientMsgId once a connection is up, resent after each
// hello, kept in storage across reloads), read and delivered markers, typing and focus frames, and the drafts the
// user has not sent. Added to ChatClient (client.js) as methods; DOM-free like it.

import { TypingThrottle, newClientMsgId } from './outbox.js';

export const outboxOps = {
  // ---- outbox -------------------------------------------------------------------------------------------------

  persistOutbox() {
    try {
      this.d.storage.setItem(this.outboxKey, JSON.stringify(this.state.outbox));
    } catch {
      // storage full or disabled: the outbox still lives in memory
    }
  },

  frameFor(i) {
    switch (i.type) {
      case 'send': {
        const f = { type: 'send', room: i.room, clientMsgId: i.clientMsgId, text: i.text };
        if (typeof i.replyTo === 'number') f.replyTo = i.replyTo;
        return f;
      }
      case 'edit': return { type: 'edit', room: i.room, seq: i.seq, text: i.text, clientMsgId: i.clientMsgId };
      case 'delete': return { type: 'delete', room: i.room, seq: i.seq, clientMsgId: i.clientMsgId };
      case 'react': return { type: 'react', room: i.room, seq: i.seq, emoji: i.emoji, clientMsgId: i.clientMsgId };
      default: return null;
    }
  },

  /** Sends what is due and not yet sent on this connection, in order. */
  flushOutbox() {
    if (!this.ready) return;
    const s = this.state;
    for (const i of s.outbox.due(this.now())) {
      if (this.inflight.has(i.clientMsgId)) continue;
      if (!s.rooms.has(i.room)) continue;
      if (this.sendFrame(this.frameFor(i))) this.inflight.add(i.clientMsgId);
    }
    this.scheduleRetry();
  },

  scheduleRetry() {
    const t = this.state.outbox.nextRetry(this.now());
    if (t === null) {
      this.clear('retry');
      return;
    }
    this.later('retry', Math.max(0, t - this.now()), () => this.flushOutbox());
  },

  enqueue(item) {
    const i = { clientMsgId: newClientMsgId(this.d.randomBytes), createdAt: this.now(), retryAt: 0, ...item };
    this.state.outbox.add(i);
    this.persistOutbox();
    this.flushOutbox();
    this.emit('state', { room: i.room });
    return i;
  },

  send(roomId, text, replyTo) {
    const t = this.typing.get(roomId);
    if (t) t.sent();
    const item = { type: 'send', room: roomId, text };
    if (typeof replyTo === 'number') item.replyTo = replyTo;
    const r = this.state.rooms.get(roomId);
    if (r) r.lastActivity = Math.max(r.lastActivity, this.now());
    return this.enqueue(item);
  },

  edit(roomId, seq, text) { return this.enqueue({ type: 'edit', room: roomId, seq, text }); },
  remove(roomId, seq) { return this.enqueue({ type: 'delete', room: roomId, seq }); },
  react(roomId, seq, emoji) { return this.enqueue({ type: 'react', room: roomId, seq, emoji }); },

  /** Gives up on a failed send (the user dismissed it) or retries it. */
  discard(clientMsgId) {
    this.state.outbox.remove(clientMsgId);
    this.persistOutbox();
    this.emit('state', {});
  },

  retry(clientMsgId) {
    const i = this.state.outbox.get(clientMsgId);
    if (!i) return;
    i.failed = false;
    i.error = null;
    i.retryAt = 0;
    this.inflight.delete(clientMsgId);
    this.persistOutbox();
    this.flushOutbox();
    this.emit('state', { room: i.room });
  },

  // ---- markers, typing, focus ---------------------------------------------------------------------------------

  scheduleDelivered() {
    if (!this.ready) return;
    const rooms = [...this.state.rooms.values()];
    for (const d of this.delivered.due(rooms, this.now())) this.sendFrame({ type: 'delivered', room: d.room, seq: d.seq });
    const next = this.delivered.nextAt(rooms, this.now());
    if (next !== null && this.timers.delivered === null) {
      this.later('delivered', Math.max(0, next - this.now()), () => this.scheduleDelivered());
    }
  },

  /**
   * Marks what the room holds as read, at once in the view; the `read` frame goes at most once a second per room
   * (a busy room in view would otherwise send one per message), with the latest seq.
   */
  markRead(roomId) {
    const seq = this.state.markRead(roomId);
    if (seq !== null) {
      this.readDue.set(roomId, seq);
      this.flushReads();
      this.emit('state', { room: roomId });
    }
    return seq;
  },

  flushReads() {
    const now = this.now();
    let next = null;
    for (const [room, seq] of this.readDue) {
      const last = this.readSentAt.get(room);
      if (last !== undefined && now - last < 1000) {
        next = next === null ? last + 1000 : Math.min(next, last + 1000);
        continue;
      }
      this.readDue.delete(room);
      this.readSentAt.set(room, now);
      if (!this.sendFrame({ type: 'read', room, seq })) this.d.api.markRead(room, seq).catch(() => {});
    }
    if (next !== null && this.timers.read === null) this.later('read', next - now, () => this.flushReads());
  },

  inputChanged(roomId, text) {
    let t = this.typing.get(roomId);
    if (!t) this.typing.set(roomId, (t = new TypingThrottle()));
    const what = t.input(text, this.now());
    if (what === 'start') this.sendFrame({ type: 'typing', room: roomId });
    else if (what === 'stop') this.sendFrame({ type: 'typing', room: roomId, stop: true });
    return what;
  },

  setFocus(roomId) {
    if (this.focusRoom === roomId) return;
    this.focusRoom = roomId;
    this.sendFrame({ type: 'focus', room: roomId });
  },

  // ---- drafts -------------------------------------------------------------------------------------------------

  /**
   * What the user typed in a room and has not sent, kept in storage per user and room so that it outlives a room
   * switch and a reload. Read and written whole each time: another tab of the user may have changed another room's.
   */
  drafts() {
    try {
      const all = JSON.parse(this.d.storage.getItem(this.draftsKey) || '{}');
      return all && typeof all === 'object' && !Array.isArray(all) ? all : {};
    } catch {
      return {};
    }
  },

  draft(roomId) {
    const t = this.drafts()[roomId];
    return typeof t === 'string' ? t : '';
  },

  /** Keeps the room's draft; an empty or blank one (sent, cleared) is forgotten. */
  setDraft(roomId, text) {
    const all = this.drafts();
    const keep = typeof text === 'string' && text.trim() !== '';
    if (keep ? all[roomId] === text : !(roomId in all)) return;
    if (keep) all[roomId] = text;
    else delete all[roomId];
    try {
      if (Object.keys(all).length) this.d.storage.setItem(this.draftsKey, JSON.stringify(all));
      else this.d.storage.removeItem(this.draftsKey);
    } catch {
      // storage full or disabled: the draft stays in the input while the page is open
    }
  },
};
