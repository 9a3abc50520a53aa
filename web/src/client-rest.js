// What the client reads and asks over HTTP: history pages and gap filling, room details and receipts, presence,
// rooms created, joined, opened and left, invitations and blocks, file uploads. Added to ChatClient (client.js) as
// methods; DOM-free like it.

import { backoffDelay, newClientMsgId } from './outbox.js';

/** Entries asked for per history page. */
export const PAGE = 50;

export const restOps = {
  // ---- presence, and reads a few at a time --------------------------------------------------------------------

  /** `GET /users/{name}`: someone's presence, unless a presence frame told newer meanwhile. */
  loadPresence(name) {
    const s = this.state;
    const epoch = s.presenceEpoch;
    if (this.asking.has(name)) return this.asking.get(name);
    const p = this.d.api.user(name).then((u) => {
      const cur = s.users.get(name);
      if (!cur || cur.frameEpoch === undefined || cur.frameEpoch <= epoch) {
        s.users.set(name, { online: u.online, lastSeen: u.lastSeen, frameEpoch: cur ? cur.frameEpoch : undefined });
        s.touchMember(name);
        this.emit('state', { presence: true });
      }
    }, () => {}).finally(() => this.asking.delete(name));
    this.asking.set(name, p);
    return p;
  },

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
  },

  // ---- history ------------------------------------------------------------------------------------------------

  /** A page at the run's ends (see ChatState.applyPage), or at `at` ({before} or {after}) for an 'around' read. */
  async fetchPage(roomId, direction, limit = PAGE, at = null) {
    const s = this.state;
    const r = s.room(roomId);
    const q = { limit, ...(at || {}) };
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
      } else if (e && (e.code === 'not_a_member' || e.code === 'no_such_room') && s.rooms.has(roomId)) {
        this.dropped(roomId, { reason: 'gone' });
      }
      throw e;
    }
  },

  once(key, fn) {
    const cur = this.loading.get(key);
    if (cur) return cur;
    const p = fn().finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  },

  loadNewest(roomId) {
    return this.once(roomId + ':newest', () => this.fetchPage(roomId, 'newest').catch(() => null));
  },

  /** The page before the loaded run; resolves to the number of entries added. */
  loadOlder(roomId) {
    const r = this.state.rooms.get(roomId);
    if (!r) return Promise.resolve(0);
    if (r.cursor === null) return this.loadNewest(roomId).then(() => 1);
    if (!r.hasMoreBefore()) return Promise.resolve(0);
    return this.once(roomId + ':older', () => this.fetchPage(roomId, 'before')
      .then((p) => (p ? p.messages.length : 0), () => 0));
  },

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
  },

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
  },

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
      if (e && e.code === 'no_such_room' && this.state.rooms.has(roomId)) this.dropped(roomId, { reason: 'gone' });
      return null;
    });
    this.details.set(roomId, p);
    return p;
  },

  loadReceipts(roomId) {
    return this.d.api.receipts(roomId).then((r) => {
      this.state.applyReceipts(roomId, r.members);
      this.emit('state', { room: roomId });
    }, () => {});
  },

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
  },

  // ---- rooms --------------------------------------------------------------------------------------------------

  /** A Room answered by create, join, a DM: the user is in it now. */
  adopt(room) {
    const r = this.state.applyRoomDetails(room);
    r.lastActivity = Math.max(r.lastActivity, this.now());
    this.details.set(room.id, Promise.resolve(room));
    this.emit('state', { room: room.id });
    return r;
  },

  async createRoom(name, passcode, capacity, visibility) { return this.adopt(await this.d.api.createRoom(name, passcode, capacity, visibility)); },
  async join(id, passcode) { return this.adopt(await this.d.api.join(id, passcode)); },
  async openDm(username) { return this.adopt(await this.d.api.dm(username)); },
  async openGroup(usernames) { return this.adopt(await this.d.api.groupDm(usernames)); },

  // ---- invitations and blocks ---------------------------------------------------------------------------------

  loadInvites() {
    const epoch = this.state.inviteEpoch;
    return this.d.api.invites().then((res) => {
      this.state.applyInviteList(res && res.invites, epoch);
      this.emit('state', { invites: true });
    }, () => {});
  },

  /**
   * Which notifications hello counted unread: the inbox's newest page says, so each is read once its room is (the
   * rest of the count, past the page, stays until the inbox is opened).
   */
  loadUnreadNotes(total) {
    return this.d.api.notifications().then((res) => {
      this.state.applyInboxUnread((res && res.notifications) || [], res && res.next ? total : null);
      this.emit('state', {});
    }, () => {});
  },

  /** A room the user joined elsewhere (an invitation accepted on another device): read it and hold it. */
  loadJoined(roomId) {
    return this.d.api.room(roomId).then((room) => this.adopt(room), () => null);
  },

  async acceptInvite(roomId) {
    this.accepting.add(roomId);
    try {
      const room = await this.d.api.acceptInvite(roomId);
      this.state.endInvite(roomId);
      return this.adopt(room);
    } catch (e) {
      // The invitation is gone (answered elsewhere, or the join refused, which ends it too): the server said why.
      if (e && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429) {
        this.state.endInvite(roomId);
        this.emit('state', { invites: true });
        if (e.code === 'no_such_invite' && this.state.rooms.has(roomId)) return this.state.rooms.get(roomId);
      }
      throw e;
    } finally {
      this.accepting.delete(roomId);
    }
  },

  /** Joins by an invite link (v1.4): the room is held as any joined one. */
  async acceptInviteLink(token) {
    return this.adopt(await this.d.api.acceptInviteLink(token));
  },

  async declineInvite(roomId) {
    try {
      await this.d.api.declineInvite(roomId);
    } catch (e) {
      // Already answered: nothing left to decline.
      if (!e || e.code !== 'no_such_invite') throw e;
    }
    this.state.endInvite(roomId);
    this.emit('state', { invites: true });
  },

  loadBlocks() {
    return this.d.api.blocks().then((res) => {
      this.state.applyBlocks(res && res.blocks);
      this.emit('state', { blocks: true });
      return this.state.blockedUsers();
    });
  },

  async block(username) {
    await this.d.api.block(username);
    this.state.blocked(username);
    this.emit('state', { invites: true, blocks: true });
  },

  async unblock(username) {
    await this.d.api.unblock(username);
    this.state.unblocked(username);
    this.emit('state', { blocks: true });
  },

  async leave(id) {
    this.leaving.add(id);
    try {
      await this.d.api.leave(id);
    } finally {
      this.leaving.delete(id);
    }
    // The room_left frame may have come first.
    if (this.state.rooms.has(id)) this.dropped(id, { reason: 'left', here: true });
  },

  /**
   * The user is out of the room (left, removed, the room deleted or gone): it is dropped with what waited for it.
   * The `removed` event names it as a person would (`label`, null if its name was never known) with its `kind`.
   */
  dropped(id, detail) {
    const r = this.state.rooms.get(id);
    const label = this.state.roomLabel(r);
    const kind = r ? r.kind : null;
    this.state.dropRoom(id);
    this.delivered.forget(id);
    this.details.delete(id);
    this.setDraft(id, '');
    this.emit('removed', { room: id, label, kind, ...detail });
    this.emit('state', {});
  },

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
  },

  cancelUpload(id) {
    const up = this.uploads.get(id);
    if (!up) return;
    if (up.state === 'uploading' && up.abort) up.abort();
    else {
      this.uploads.delete(id);
      this.emit('upload', up);
      this.emit('state', { room: up.room });
    }
  },
};
