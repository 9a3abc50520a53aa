// The client's driver: one WebSocket at a time with reconnects (exponential backoff with jitter), resume by seq
// (`after=` on the handshake), the outbox (resent with the same clientMsgId after each hello, kept across reloads),
// history paging, receipts, typing, focus. No DOM: the socket, the HTTP API, storage and timers are handed in, so
// tests drive it with fakes. The view listens with `on(fn)`: fn(type, detail).

import {
  ChatState, Outbox, TypingThrottle, DeliveredThrottle, backoffDelay, newClientMsgId, POST_KINDS,
} from './state.js';

export const PING_EVERY_MS = 25000;
export const PONG_WITHIN_MS = 10000;
export const PAGE = 50;

export class ChatClient {
  /**
   * deps: {api, openSocket(url), wsUrl(after), storage, now(), setTimeout, clearTimeout, random(), randomBytes(n)}
   */
  constructor(username, deps) {
    this.me = username;
    this.d = deps;
    this.state = new ChatState(username);
    this.outboxKey = 'parley.outbox.' + username;
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
        const removed = s.applyHello(f);
        for (const id of removed) this.emit('removed', { room: id, reason: 'left' });
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
          this.persistOutbox();
          if (item && item.failed) this.emit('error', { code: f.code, message: f.message, item });
          this.scheduleRetry();
          this.emit('state', { room: item && item.room });
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
      case 'receipt':
        s.applyReceipts(f.room, f.members || (f.username ? [f] : []));
        this.emit('state', { room: f.room });
        break;
      case 'notification':
        s.notifications++;
        this.emit('notification', f);
        this.emit('state', {});
        break;
      case 'removed':
      case 'room_deleted':
        s.dropRoom(f.room);
        this.delivered.forget(f.room);
        this.emit('removed', { room: f.room, reason: f.type === 'room_deleted' ? 'deleted' : f.reason, by: f.by, text: f.text });
        this.emit('state', {});
        break;
      case 'trimmed':
        s.applyTrimmed(f.room, f.floorSeq);
        this.emit('state', { room: f.room });
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

  /** After each hello: read what frames cannot tell (presence, receipts), and fetch rooms not held yet. */
  afterHello() {
    const s = this.state;
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
    this.pool(peers, 4, (name) => {
      const epoch = s.presenceEpoch;
      return this.d.api.user(name).then((u) => {
        const cur = s.users.get(name);
        if (!cur || cur.frameEpoch === undefined || cur.frameEpoch <= epoch) {
          s.users.set(name, { online: u.online, lastSeen: u.lastSeen, frameEpoch: cur ? cur.frameEpoch : undefined });
          this.emit('state', { presence: true });
        }
      }, () => {});
    });
  }

  async pool(items, n, fn) {
    let i = 0;
    const worker = async () => {
      while (i < items.length) {
        const it = items[i++];
        try {
          await fn(it);
        } catch {
          // one failure does not stop the rest
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  }

  // ---- outbox -------------------------------------------------------------------------------------------------

  persistOutbox() {
    try {
      this.d.storage.setItem(this.outboxKey, JSON.stringify(this.state.outbox));
    } catch {
      // storage full or disabled: the outbox still lives in memory
    }
  }

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
  }

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
  }

  scheduleRetry() {
    const t = this.state.outbox.nextRetry(this.now());
    if (t === null) {
      this.clear('retry');
      return;
    }
    this.later('retry', Math.max(0, t - this.now()), () => this.flushOutbox());
  }

  enqueue(item) {
    const i = { clientMsgId: newClientMsgId(this.d.randomBytes), createdAt: this.now(), retryAt: 0, ...item };
    this.state.outbox.add(i);
    this.persistOutbox();
    this.flushOutbox();
    this.emit('state', { room: i.room });
    return i;
  }

  send(roomId, text, replyTo) {
    const t = this.typing.get(roomId);
    if (t) t.sent();
    const item = { type: 'send', room: roomId, text };
    if (typeof replyTo === 'number') item.replyTo = replyTo;
    const r = this.state.rooms.get(roomId);
    if (r) r.lastActivity = Math.max(r.lastActivity, this.now());
    return this.enqueue(item);
  }

  edit(roomId, seq, text) { return this.enqueue({ type: 'edit', room: roomId, seq, text }); }
  remove(roomId, seq) { return this.enqueue({ type: 'delete', room: roomId, seq }); }
  react(roomId, seq, emoji) { return this.enqueue({ type: 'react', room: roomId, seq, emoji }); }

  /** Gives up on a failed send (the user dismissed it) or retries it. */
  discard(clientMsgId) {
    this.state.outbox.remove(clientMsgId);
    this.persistOutbox();
    this.emit('state', {});
  }

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
  }

  // ---- markers, typing, focus ---------------------------------------------------------------------------------

  scheduleDelivered() {
    if (!this.ready) return;
    const rooms = [...this.state.rooms.values()];
    for (const d of this.delivered.due(rooms, this.now())) this.sendFrame({ type: 'delivered', room: d.room, seq: d.seq });
    const next = this.delivered.nextAt(rooms, this.now());
    if (next !== null && this.timers.delivered === null) {
      this.later('delivered', Math.max(0, next - this.now()), () => this.scheduleDelivered());
    }
  }

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
  }

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
  }

  inputChanged(roomId, text) {
    let t = this.typing.get(roomId);
    if (!t) this.typing.set(roomId, (t = new TypingThrottle()));
    const what = t.input(text, this.now());
    if (what === 'start') this.sendFrame({ type: 'typing', room: roomId });
    else if (what === 'stop') this.sendFrame({ type: 'typing', room: roomId, stop: true });
    return what;
  }

  setFocus(roomId) {
    if (this.focusRoom === roomId) return;
    this.focusRoom = roomId;
    this.sendFrame({ type: 'focus', room: roomId });
  }

  // ---- history ------------------------------------------------------------------------------------------------

  async fetchPage(roomId, direction, limit = PAGE) {
    const s = this.state;
    const r = s.room(roomId);
    const q = { limit };
    if (direction === 'before') q.before = r.runStart;
    if (direction === 'after') q.after = r.cursor;
    try {
      const page = await this.d.api.messages(roomId, q);
      if (!s.rooms.has(roomId)) return null;
      const added = s.applyPage(roomId, page, direction);
      if (added) {
        this.persistOutbox();
        this.scheduleDelivered();
      }
      this.emit('state', { room: roomId, page: direction });
      return page;
    } catch (e) {
      if (e && e.code === 'cursor_ahead') {
        s.resetRoom(roomId, e.lastSeq);
        this.emit('state', { room: roomId });
      } else if (e && (e.code === 'not_a_member' || e.code === 'no_such_room')) {
        s.dropRoom(roomId);
        this.emit('removed', { room: roomId, reason: 'gone' });
      }
      throw e;
    }
  }

  once(key, fn) {
    const cur = this.loading.get(key);
    if (cur) return cur;
    const p = fn().finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  }

  loadNewest(roomId) {
    return this.once(roomId + ':newest', () => this.fetchPage(roomId, 'newest').catch(() => null));
  }

  /** The page before the loaded run; resolves to the number of entries added. */
  loadOlder(roomId) {
    const r = this.state.rooms.get(roomId);
    if (!r) return Promise.resolve(0);
    if (r.cursor === null) return this.loadNewest(roomId).then(() => 1);
    if (!r.hasMoreBefore()) return Promise.resolve(0);
    return this.once(roomId + ':older', () => this.fetchPage(roomId, 'before')
      .then((p) => (p ? p.messages.length : 0), () => 0));
  }

  /** Fills a hole above the cursor (entries held past a missing seq). */
  fillGap(roomId) {
    return this.once(roomId + ':gap', async () => {
      for (let i = 0; i < 50; i++) {
        const r = this.state.rooms.get(roomId);
        if (!r || !r.hasGap()) return;
        const page = await this.fetchPage(roomId, 'after', 200).catch(() => null);
        if (!page || page.messages.length === 0) return;
      }
    });
  }

  /** Loads older pages until `seq` is held (a jump to a mention or to the first unread). */
  async ensureLoaded(roomId, seq) {
    for (let i = 0; i < 20; i++) {
      const r = this.state.rooms.get(roomId);
      if (!r) return false;
      if (r.cursor !== null && r.runStart <= seq) return true;
      const n = await this.loadOlder(roomId);
      if (!n) return r.cursor !== null && r.runStart <= seq;
    }
    return false;
  }

  loadDetails(roomId, force = false) {
    if (!force && this.details.has(roomId)) return this.details.get(roomId);
    const epoch = this.state.presenceEpoch;
    const p = this.d.api.room(roomId).then((room) => {
      if (!this.state.rooms.has(roomId)) return null;
      this.state.applyRoomDetails(room, epoch);
      this.emit('state', { room: roomId, details: true });
      return room;
    }, (e) => {
      this.details.delete(roomId);
      if (e && e.code === 'no_such_room') {
        this.state.dropRoom(roomId);
        this.emit('removed', { room: roomId, reason: 'gone' });
      }
      return null;
    });
    this.details.set(roomId, p);
    return p;
  }

  loadReceipts(roomId) {
    return this.d.api.receipts(roomId).then((r) => {
      this.state.applyReceipts(roomId, r.members);
      this.emit('state', { room: roomId });
    }, () => {});
  }

  /** The user opened a room: focus, its newest page if nothing is held, details, receipts. */
  open(roomId) {
    const r = this.state.rooms.get(roomId);
    if (!r) return Promise.resolve();
    this.setFocus(roomId);
    const jobs = [this.loadDetails(roomId, true), this.loadReceipts(roomId)];
    if (r.cursor === null) jobs.push(this.loadNewest(roomId));
    return Promise.all(jobs).then(() => {
      const room = this.state.rooms.get(roomId);
      if (room && room.visibleEntries().length < 30 && room.hasMoreBefore()) return this.loadOlder(roomId);
      return 0;
    });
  }

  // ---- rooms --------------------------------------------------------------------------------------------------

  /** A Room answered by create, join, a DM: the user is in it now. */
  adopt(room) {
    const r = this.state.applyRoomDetails(room);
    r.lastActivity = Math.max(r.lastActivity, this.now());
    this.details.set(room.id, Promise.resolve(room));
    this.emit('state', { room: room.id });
    return r;
  }

  async createRoom(name, passcode, capacity) { return this.adopt(await this.d.api.createRoom(name, passcode, capacity)); }
  async join(id, passcode) { return this.adopt(await this.d.api.join(id, passcode)); }
  async openDm(username) { return this.adopt(await this.d.api.dm(username)); }
  async openGroup(usernames) { return this.adopt(await this.d.api.groupDm(usernames)); }

  async leave(id) {
    await this.d.api.leave(id);
    this.state.dropRoom(id);
    this.delivered.forget(id);
    this.emit('removed', { room: id, reason: 'left' });
    this.emit('state', {});
  }

  // ---- uploads ------------------------------------------------------------------------------------------------

  /** Shares a file in a room with progress; retries (same clientMsgId) when the node is busy or cut off. */
  upload(roomId, file) {
    const up = {
      id: newClientMsgId(this.d.randomBytes), room: roomId, name: file.name || 'pasted', size: file.size,
      sent: 0, state: 'uploading', error: null, abort: null, tries: 0,
    };
    up.clientMsgId = up.id;
    this.uploads.set(up.id, up);
    const attempt = () => {
      up.tries++;
      up.state = 'uploading';
      const { promise, abort } = this.d.api.upload(roomId, file, up.clientMsgId, (sent, total) => {
        up.sent = sent;
        up.size = total || up.size;
        this.emit('upload', up);
      });
      up.abort = abort;
      promise.then((entry) => {
        this.uploads.delete(up.id);
        const r = this.state.rooms.get(roomId);
        if (entry && r && !r.entries.has(entry.seq)) {
          this.state.acked.set(up.clientMsgId, { room: roomId, seq: entry.seq, sentAt: entry.sentAt, text: entry.text, file: entry.file });
        }
        this.emit('upload', up);
        this.emit('state', { room: roomId });
      }, (e) => {
        const retriable = e.code === 'too_many_uploads' || e.code === 'rate_limited' || e.code === 'unavailable'
          || e.code === 'network' || e.status === 503;
        if (e.code === 'aborted') {
          this.uploads.delete(up.id);
          up.state = 'cancelled';
        } else if (retriable && up.tries < 6) {
          up.state = 'waiting';
          const wait = e.retryAfterMs || backoffDelay(up.tries, this.d.random);
          this.d.setTimeout(attempt, wait);
        } else {
          up.state = 'failed';
          up.error = e.message || e.code;
        }
        this.emit('upload', up);
        this.emit('state', { room: roomId });
      });
    };
    attempt();
    this.emit('upload', up);
    return up;
  }

  cancelUpload(id) {
    const up = this.uploads.get(id);
    if (!up) return;
    if (up.state === 'uploading' && up.abort) up.abort();
    else {
      this.uploads.delete(id);
      this.emit('upload', up);
      this.emit('state', { room: up.room });
    }
  }
}

export { POST_KINDS };
