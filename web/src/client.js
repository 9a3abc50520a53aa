// The client's driver: one WebSocket at a time with reconnects (exponential backoff with jitter), resume by seq
// (`after=` on the handshake), the outbox (resent with the same clientMsgId after each hello, kept across reloads),
// history paging, receipts, typing, focus, the rooms the user joins and leaves on any device, unsent drafts kept per
// room. No DOM: the socket, the HTTP API, storage and timers are handed in, so
// tests drive it with fakes. The view listens with `on(fn)`: fn(type, detail).
//
// ChatClient is one object to its callers. This file holds the connection and the frames that come in; what it
// sends (client-outbox.js), what it asks over HTTP (client-rest.js) and for search (client-search.js) are added to it
// at the end.

import { addMethods } from './methods.js';
import { ChatState } from './state.js';
import { Outbox, DeliveredThrottle, backoffDelay } from './outbox.js';
import { outboxOps } from './client-outbox.js';
import { restOps } from './client-rest.js';
import { searchOps } from './client-search.js';

export const PING_EVERY_MS = 25000;
export const PONG_WITHIN_MS = 10000;

export class ChatClient {
  /**
   * deps: {api, openSocket(url), wsUrl(after), storage, now(), setTimeout, clearTimeout, random(), randomBytes(n)}
   */
  constructor(username, deps) {
    this.me = username;
    this.d = deps;
    this.state = new ChatState(username);
    this.outboxKey = 'parley.outbox.' + username;
    this.draftsKey = 'parley.drafts.' + username;
    this.state.outbox = Outbox.from(deps.storage.getItem(this.outboxKey) || '[]');
    this.listeners = new Set();
    this.ws = null;
    this.ready = false;
    this.connId = 0;
    this.attempt = 0;
    this.stopped = false;
    this.conn = { state: 'connecting', retryAt: null, attempt: 0, lag: null };
    this.inflight = new Set();
    this.typing = new Map(); // room -> TypingThrottle
    this.delivered = new DeliveredThrottle();
    this.focusRoom = null;
    this.loading = new Map(); // room -> Promise (history)
    this.details = new Map(); // room -> Promise (GET room)
    this.uploads = new Map(); // id -> upload
    this.timers = { reconnect: null, ping: null, pong: null, delivered: null, retry: null, read: null };
    this.readDue = new Map(); // room -> seq not yet sent
    this.readSentAt = new Map(); // room -> when its last read frame went
    this.pingSentAt = null;
    this.accepting = new Set(); // rooms whose invitation this client is accepting
    this.leaving = new Set(); // rooms this client is leaving
    this.asking = new Map(); // username -> Promise (their presence)
  }

  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(type, detail) {
    for (const fn of this.listeners) fn(type, detail);
  }

  now() {
    return this.d.now();
  }

  // ---- connection ---------------------------------------------------------------------------------------------

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    for (const k of Object.keys(this.timers)) this.clear(k);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      try { ws.close(1000, 'bye'); } catch { /* already closed */ }
    }
    this.ready = false;
  }

  clear(name) {
    if (this.timers[name] !== null) {
      this.d.clearTimeout(this.timers[name]);
      this.timers[name] = null;
    }
  }

  later(name, ms, fn) {
    this.clear(name);
    this.timers[name] = this.d.setTimeout(() => {
      this.timers[name] = null;
      fn();
    }, ms);
  }

  setConn(patch) {
    this.conn = { ...this.conn, ...patch };
    this.emit('conn', this.conn);
  }

  connect() {
    if (this.stopped) return;
    this.clear('reconnect');
    const id = ++this.connId;
    this.ready = false;
    this.inflight.clear();
    this.setConn({ state: 'connecting', retryAt: null, attempt: this.attempt });
    let ws;
    try {
      ws = this.d.openSocket(this.d.wsUrl(this.state.resumeCursor()));
    } catch (err) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => { opened = true; };
    ws.onmessage = (ev) => {
      if (id !== this.connId) return;
      let f;
      try {
        f = JSON.parse(ev.data);
      } catch {
        return;
      }
      this.onFrame(f);
    };
    let done = false;
    const onClose = (ev) => {
      if (done || id !== this.connId) return;
      done = true;
      this.ws = null;
      this.ready = false;
      this.clear('ping');
      this.clear('pong');
      if (ev && ev.code === 4001) {
        this.stopped = true;
        this.setConn({ state: 'loggedOut' });
        this.emit('loggedOut', { reason: ev.reason || 'logged out' });
        return;
      }
      if (!opened) {
        // The handshake was refused or the node is down: a 401 means the session is gone.
        this.d.api.me().then(() => {}, (e) => {
          if (e && e.status === 401 && !this.stopped) {
            this.stopped = true;
            this.clear('reconnect');
            this.setConn({ state: 'loggedOut' });
            this.emit('loggedOut', { reason: 'session ended' });
          }
        });
      }
      this.scheduleReconnect();
    };
    ws.onclose = onClose;
    ws.onerror = () => {};
    this.dropSocket = (reason) => {
      try { ws.close(4000, reason); } catch { /* gone */ }
      onClose({ code: 1006, reason });
    };
  }

  scheduleReconnect() {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, this.d.random);
    this.attempt++;
    this.setConn({ state: 'offline', retryAt: this.now() + delay, attempt: this.attempt });
    this.later('reconnect', delay, () => this.connect());
  }

  /** Reconnect now (the user asked, or the browser came back online). */
  reconnectNow() {
    if (this.stopped || this.ready) return;
    this.attempt = 0;
    if (this.ws && this.dropSocket) this.dropSocket('reconnect');
    else this.connect();
  }

  sendFrame(f) {
    if (!this.ws || !this.ready) return false;
    try {
      this.ws.send(JSON.stringify(f));
      return true;
    } catch {
      return false;
    }
  }

  schedulePing() {
    this.later('ping', PING_EVERY_MS, () => {
      if (!this.ready) return;
      this.pingSentAt = this.now();
      this.sendFrame({ type: 'ping' });
      this.later('pong', PONG_WITHIN_MS, () => {
        // No pong: the path is dead; drop it and reconnect.
        if (this.ws && this.dropSocket) this.dropSocket('no pong');
      });
    });
  }

  // ---- frames -------------------------------------------------------------------------------------------------

  onFrame(f) {
    const s = this.state;
    const now = this.now();
    switch (f.type) {
      case 'hello': {
        this.ready = true;
        this.attempt = 0;
        const known = new Map([...s.rooms.values()].map((r) => [r.id, { label: s.roomLabel(r), kind: r.kind }]));
        const removed = s.applyHello(f);
        // Left while this client was away (on another device): what waited there can never go.
        for (const id of removed) {
          this.delivered.forget(id);
          this.details.delete(id);
          this.setDraft(id, '');
          this.emit('removed', { room: id, reason: 'gone', ...known.get(id) });
        }
        this.setConn({ state: 'online', retryAt: null, attempt: 0 });
        if (this.focusRoom && s.rooms.has(this.focusRoom)) this.sendFrame({ type: 'focus', room: this.focusRoom });
        this.flushOutbox();
        this.schedulePing();
        this.afterHello();
        this.emit('state', { hello: true });
        break;
      }
      case 'message': {
        const { type, ...entry } = f;
        const known = s.rooms.has(entry.room);
        const res = s.applyEntry(entry, now);
        if (!known || res.room.kind === null) this.loadDetails(entry.room);
        if (res.added) {
          this.persistOutbox();
          this.emit('entry', { entry: res.room.entries.get(entry.seq), counted: res.counted, mentionsMe: res.mentionsMe });
          if (res.gap) this.fillGap(entry.room);
          this.scheduleDelivered();
          if (res.room.members === null && (entry.kind === 'joined' || entry.kind === 'left')) this.loadDetails(entry.room);
          // A newcomer to a room whose members are listed, whom nobody told this client of yet (a node since v1.2
          // sends their presence too; one before did not).
          if (entry.kind === 'joined' && res.room.members && entry.sender !== this.me && !s.users.has(entry.sender)) {
            this.loadPresence(entry.sender);
          }
        }
        this.emit('state', { room: entry.room });
        break;
      }
      case 'ack': {
        const item = s.outbox.remove(f.clientMsgId);
        this.inflight.delete(f.clientMsgId);
        const r = s.rooms.get(f.room);
        const have = r && r.entries.has(f.seq);
        if (item && item.type === 'send' && !have) {
          s.acked.set(f.clientMsgId, { room: f.room, seq: f.seq, sentAt: f.sentAt, text: item.text, replyTo: item.replyTo });
        }
        this.persistOutbox();
        this.emit('state', { room: f.room });
        break;
      }
      case 'error': {
        if (f.ref && s.outbox.get(f.ref)) {
          this.inflight.delete(f.ref);
          const item = s.outbox.refused(f.ref, f.code, f.message, f.retryAfterMs, now);
          // A refused edit, delete or reaction has no line to retry it from: it is told, and goes.
          if (item && item.failed && item.type !== 'send') s.outbox.remove(item.clientMsgId);
          this.persistOutbox();
          if (item && item.failed) this.emit('error', { code: f.code, message: f.message, item });
          this.scheduleRetry();
          this.emit('state', { room: item && item.room });
        } else if (f.code === 'not_a_member' || f.code === 'no_such_room') {
          // A marker, typing or focus frame that crossed the room's removal, which has a frame of its own.
        } else if (f.code !== 'rate_limited') {
          this.emit('error', { code: f.code, message: f.message });
        }
        break;
      }
      case 'pong':
        this.clear('pong');
        if (this.pingSentAt !== null) this.setConn({ lag: now - this.pingSentAt });
        this.pingSentAt = null;
        this.schedulePing();
        break;
      case 'presence':
        s.applyPresence(f.members);
        this.emit('state', { presence: true });
        break;
      case 'typing':
        s.applyTyping(f, now);
        this.emit('typing', { room: f.room });
        break;
      case 'marker':
        s.applyOwnMarker(f.room, f.readSeq);
        this.emit('state', { room: f.room });
        break;
      case 'receipt':
        s.applyReceipts(f.room, f.members || (f.username ? [f] : []));
        this.emit('state', { room: f.room });
        break;
      case 'notification':
        if (typeof f.room === 'string' && typeof f.seq === 'number') s.noteNotification(f.room, f.seq);
        this.emit('notification', f);
        this.emit('state', {});
        break;
      case 'removed':
      case 'room_deleted':
        this.dropped(f.room, { reason: f.type === 'room_deleted' ? 'deleted' : f.reason, by: f.by, text: f.text });
        break;
      case 'room_added': {
        if (!f.room || typeof f.room.id !== 'string') break;
        const { added } = s.applyRoomAdded(f.room, now);
        this.loadDetails(f.room.id);
        if (added) this.emit('added', { room: f.room.id });
        this.emit('state', { room: f.room.id });
        break;
      }
      case 'room_left':
        // Left here or on another device: every tab and device drops it.
        if (s.rooms.has(f.room)) this.dropped(f.room, { reason: 'left', here: this.leaving.has(f.room) });
        break;
      case 'trimmed':
        s.applyTrimmed(f.room, f.floorSeq);
        this.emit('state', { room: f.room });
        break;
      case 'invite':
        if (s.applyInvite(f.invite)) this.emit('invite', f.invite);
        this.emit('state', { invites: true });
        break;
      case 'block': {
        // Blocked or unblocked on whichever device: one list on every connection.
        const ended = f.on ? s.blocked(f.user) : (s.unblocked(f.user), []);
        this.emit('state', { blocks: true, invites: ended.length > 0, rooms: true });
        break;
      }
      case 'invite_ended':
        s.endInvite(f.room);
        // Accepted on another device: the room is the user's now, here too.
        if (f.accepted && !this.accepting.has(f.room)) this.loadJoined(f.room);
        this.emit('state', { invites: true });
        break;
      case 'reset':
        s.resetRoom(f.room, f.lastSeq);
        this.delivered.forget(f.room);
        if (f.room === this.focusRoom) this.loadNewest(f.room);
        this.emit('state', { room: f.room });
        break;
      default:
        // A later protocol's frame: ignored.
        break;
    }
  }

  /** After each hello: read what frames cannot tell (presence, receipts, invitations), and fetch rooms not held yet. */
  afterHello() {
    const s = this.state;
    // Invitation and block frames come only after hello: what came while this client was away is read.
    this.loadInvites();
    this.loadBlocks().catch(() => {});
    if (s.notifications > 0) this.loadUnreadNotes(s.notifications);
    if (this.focusRoom && s.rooms.has(this.focusRoom)) {
      this.loadDetails(this.focusRoom, true);
      this.loadReceipts(this.focusRoom);
      const r = s.rooms.get(this.focusRoom);
      if (r.cursor === null) this.loadNewest(this.focusRoom);
    }
    const todo = [...s.rooms.values()].filter((r) => r.cursor === null && r.id !== this.focusRoom && !r.unavailable);
    const peers = [...s.rooms.values()].map((r) => s.dmPeer(r)).filter(Boolean);
    // The newest entry of each room not held: its time orders the sidebar, its seq resumes it next time.
    this.pool(todo.slice(0, 200), 4, (r) => this.fetchPage(r.id, 'newest', 1));
    this.pool(peers, 4, (name) => this.loadPresence(name));
    // A group DM is titled with who is in it: its members are read (those who declined are not in its name's list).
    const groups = [...s.rooms.values()].filter((r) => r.kind === 'group' && r.members === null && r.id !== this.focusRoom);
    this.pool(groups.slice(0, 50), 2, (r) => this.loadDetails(r.id));
  }
}

addMethods(ChatClient, outboxOps, restOps, searchOps);
