// The client's driver against a fake socket, a fake HTTP API and a fake clock: reconnects, resume by seq, the
// outbox across reconnects and reloads, retries, delivered throttling, logout.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient, PING_EVERY_MS, PONG_WITHIN_MS } from '../src/client.js';

class Clock {
  constructor() {
    this.t = 1_000_000;
    this.q = [];
    this.n = 0;
    this.now = () => this.t;
    this.setTimeout = (fn, ms) => {
      const id = ++this.n;
      this.q.push({ id, at: this.t + ms, fn });
      return id;
    };
    this.clearTimeout = (id) => {
      this.q = this.q.filter((x) => x.id !== id);
    };
  }

  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      this.q.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.q[0];
      if (!next || next.at > end) break;
      this.q.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

class FakeSocket {
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.closed = null;
  }
  send(s) { this.sent.push(JSON.parse(s)); }
  close(code, reason) { this.closed = { code, reason }; }
  open() { this.onopen && this.onopen(); }
  frame(f) { this.onmessage({ data: JSON.stringify(f) }); }
  drop(code = 1006, reason = '') { this.onclose({ code, reason }); }
  sentOf(type) { return this.sent.filter((f) => f.type === type); }
}

class MemoryStorage {
  constructor() { this.m = new Map(); }
  getItem(k) { return this.m.has(k) ? this.m.get(k) : null; }
  setItem(k, v) { this.m.set(k, String(v)); }
  removeItem(k) { this.m.delete(k); }
}

function fakeApi(overrides = {}) {
  const calls = [];
  const api = {
    calls,
    me: async () => ({ username: 'alice', rooms: [] }),
    room: async (id) => ({ id, name: id, kind: 'room', owner: 'alice', capacity: 10, passcode: false, lastSeq: 1, members: [] }),
    receipts: async () => ({ members: [] }),
    messages: async (id, q) => {
      calls.push(['messages', id, q]);
      return { messages: [], hasMore: false };
    },
    user: async (name) => ({ username: name, online: false, lastSeen: null }),
    markRead: async () => null,
    invites: async () => ({ invites: [] }),
    blocks: async () => ({ blocks: [] }),
    ...overrides,
  };
  return api;
}

function setup({ storage = new MemoryStorage(), api = fakeApi() } = {}) {
  const clock = new Clock();
  const sockets = [];
  let counter = 0;
  const client = new ChatClient('alice', {
    api,
    openSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    wsUrl: (after) => 'ws://node/api/v1/ws' + (after ? '?after=' + encodeURIComponent(after) : ''),
    storage,
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: () => 1,
    randomBytes: (n) => Uint8Array.from({ length: n }, (_, i) => (counter++ + i) % 256),
  });
  const events = [];
  client.on((type, d) => events.push([type, d]));
  return { client, clock, sockets, storage, api, events, last: () => sockets[sockets.length - 1] };
}

const room = (id, lastSeq, readSeq = lastSeq, unread = 0) => ({ id, name: id, kind: 'room', lastSeq, readSeq, unread, mentions: 0 });
const hello = (rooms) => ({ type: 'hello', username: 'alice', rooms, notifications: 0 });
const message = (r, seq, sender, text, clientMsgId = `${sender}-${seq}`) => ({
  type: 'message', room: r, seq, kind: 'message', sender, text, sentAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(), clientMsgId,
});
const flush = () => new Promise((r) => setImmediate(r));

describe('connection and resume', () => {
  test('a send made while connecting goes after hello; after a drop it is resent with the same clientMsgId and the handshake names the room at its seq', async () => {
    const { client, clock, sockets, last } = setup();
    client.start();
    const ws1 = last();
    assert.equal(ws1.url, 'ws://node/api/v1/ws');
    client.send('r', 'hello');
    assert.equal(ws1.sent.length, 0, 'nothing goes before hello');
    ws1.open();
    ws1.frame(hello([room('r', 4)]));
    ws1.frame(message('r', 5, 'bob', 'hi alice'));
    const [send] = ws1.sentOf('send');
    assert.equal(send.text, 'hello');
    assert.match(send.clientMsgId, /^w-/);

    ws1.drop(1006);
    assert.equal(client.conn.state, 'offline');
    assert.equal(sockets.length, 1);
    clock.advance(499);
    assert.equal(sockets.length, 1, 'waits for the backoff');
    clock.advance(1);
    const ws2 = last();
    assert.equal(sockets.length, 2);
    assert.equal(decodeURIComponent(ws2.url.split('after=')[1]), 'r:5');
    ws2.open();
    ws2.frame(hello([room('r', 5)]));
    const [again] = ws2.sentOf('send');
    assert.equal(again.clientMsgId, send.clientMsgId);
    ws2.frame({ type: 'ack', clientMsgId: send.clientMsgId, room: 'r', seq: 6, sentAt: new Date().toISOString() });
    assert.equal(client.state.outbox.size, 0);
    await flush();
  });

  test('backoff grows with each failed attempt and resets after a hello', () => {
    const { client, clock, sockets, last } = setup();
    client.start();
    last().drop();
    clock.advance(500);
    assert.equal(sockets.length, 2);
    last().drop();
    clock.advance(999);
    assert.equal(sockets.length, 2);
    clock.advance(1);
    assert.equal(sockets.length, 3);
    last().open();
    last().frame(hello([]));
    last().drop();
    clock.advance(500);
    assert.equal(sockets.length, 4);
  });

  test('the outbox survives a reload (storage) and is sent on the first hello', async () => {
    const storage = new MemoryStorage();
    const a = setup({ storage });
    a.client.start();
    const item = a.client.send('r', 'typed while offline');
    assert.ok(JSON.parse(storage.getItem('parley.outbox.alice')).some((i) => i.clientMsgId === item.clientMsgId));
    a.client.stop();

    const b = setup({ storage });
    b.client.start();
    b.last().open();
    b.last().frame(hello([room('r', 3)]));
    assert.deepEqual(b.last().sentOf('send').map((f) => f.clientMsgId), [item.clientMsgId]);
    // Its own message frame comes back before the ack: that also settles it.
    b.last().frame(message('r', 4, 'alice', 'typed while offline', item.clientMsgId));
    assert.equal(b.client.state.outbox.size, 0);
    assert.deepEqual(JSON.parse(storage.getItem('parley.outbox.alice')), []);
    await flush();
  });

  test('a rate-limited send goes again after retryAfterMs with the same clientMsgId; a refused one fails', async () => {
    const { client, clock, last, events } = setup();
    client.start();
    last().open();
    last().frame(hello([room('r', 1)]));
    const a = client.send('r', 'one');
    const b = client.send('r', 'two');
    last().frame({ type: 'error', code: 'rate_limited', message: 'slow', ref: a.clientMsgId, retryAfterMs: 87 });
    last().frame({ type: 'error', code: 'invalid_message', message: 'too long', ref: b.clientMsgId });
    assert.equal(last().sentOf('send').length, 2);
    clock.advance(86);
    assert.equal(last().sentOf('send').length, 2);
    clock.advance(1);
    const sends = last().sentOf('send');
    assert.equal(sends.length, 3);
    assert.equal(sends[2].clientMsgId, a.clientMsgId);
    assert.ok(events.some(([t, d]) => t === 'error' && d.item && d.item.clientMsgId === b.clientMsgId));
    assert.equal(client.state.outbox.get(b.clientMsgId).failed, true);
    await flush();
  });

  test('close 4001 means logged out: no reconnect', () => {
    const { client, clock, sockets, last, events } = setup();
    client.start();
    last().open();
    last().frame(hello([]));
    last().drop(4001, 'logged out');
    clock.advance(60000);
    assert.equal(sockets.length, 1);
    assert.ok(events.some(([t]) => t === 'loggedOut'));
  });

  test('a refused handshake whose session is gone (401) logs out', async () => {
    const api = fakeApi({ me: async () => { const e = new Error('unauthorized'); e.status = 401; throw e; } });
    const { client, clock, sockets, last, events } = setup({ api });
    client.start();
    last().drop(1006);
    await flush();
    clock.advance(60000);
    assert.equal(sockets.length, 1);
    assert.ok(events.some(([t]) => t === 'loggedOut'));
  });

  test('a ping left unanswered drops the connection and reconnects', () => {
    const { client, clock, sockets, last } = setup();
    client.start();
    last().open();
    last().frame(hello([]));
    clock.advance(PING_EVERY_MS);
    assert.equal(last().sentOf('ping').length, 1);
    clock.advance(PONG_WITHIN_MS);
    assert.equal(client.conn.state, 'offline');
    clock.advance(500);
    assert.equal(sockets.length, 2);
  });

  test('a pong keeps the connection and measures the lag', () => {
    const { client, clock, sockets, last } = setup();
    client.start();
    last().open();
    last().frame(hello([]));
    clock.advance(PING_EVERY_MS);
    clock.advance(7);
    last().frame({ type: 'pong' });
    clock.advance(PONG_WITHIN_MS);
    assert.equal(sockets.length, 1);
    assert.equal(client.conn.lag, 7);
  });
});

describe('markers and typing', () => {
  test('delivered goes at most once a second per room, cumulative', () => {
    const { client, clock, last } = setup();
    client.start();
    last().open();
    last().frame(hello([room('r', 1), room('q', 1)]));
    last().frame(message('r', 2, 'bob', 'a'));
    last().frame(message('r', 3, 'bob', 'b'));
    last().frame(message('q', 2, 'bob', 'c'));
    assert.deepEqual(last().sentOf('delivered'), [{ type: 'delivered', room: 'r', seq: 2 }, { type: 'delivered', room: 'q', seq: 2 }]);
    last().frame(message('r', 4, 'bob', 'd'));
    clock.advance(999);
    assert.equal(last().sentOf('delivered').length, 2);
    clock.advance(1);
    assert.deepEqual(last().sentOf('delivered').slice(2), [{ type: 'delivered', room: 'r', seq: 4 }]);
  });

  test('read goes once per move; typing at most every 2 s and a stop on clear', () => {
    const { client, clock, last } = setup();
    client.start();
    last().open();
    last().frame(hello([room('r', 1)]));
    last().frame(message('r', 2, 'bob', 'a'));
    client.markRead('r');
    client.markRead('r');
    assert.deepEqual(last().sentOf('read'), [{ type: 'read', room: 'r', seq: 2 }]);
    // A busy room in view: the marker moves in the view at once, the frames go once a second with the latest seq.
    for (let seq = 3; seq <= 6; seq++) {
      last().frame(message('r', seq, 'bob', 'busy ' + seq));
      client.markRead('r');
    }
    assert.equal(client.state.rooms.get('r').unread, 0);
    assert.equal(last().sentOf('read').length, 1);
    clock.advance(1000);
    assert.deepEqual(last().sentOf('read').slice(1), [{ type: 'read', room: 'r', seq: 6 }]);
    client.inputChanged('r', 'h');
    clock.advance(1000);
    client.inputChanged('r', 'he');
    clock.advance(1000);
    client.inputChanged('r', 'hel');
    client.inputChanged('r', '');
    assert.deepEqual(last().sentOf('typing'), [{ type: 'typing', room: 'r' }, { type: 'typing', room: 'r' }, { type: 'typing', room: 'r', stop: true }]);
  });

  test('focus is told on change and again after each hello', () => {
    const { client, clock, last } = setup();
    client.start();
    last().open();
    last().frame(hello([room('r', 1)]));
    client.setFocus('r');
    assert.deepEqual(last().sentOf('focus'), [{ type: 'focus', room: 'r' }]);
    last().drop();
    clock.advance(500);
    last().open();
    last().frame(hello([room('r', 1)]));
    assert.deepEqual(last().sentOf('focus'), [{ type: 'focus', room: 'r' }]);
  });
});

describe('history', () => {
  test('older pages go by seq until the start; a reset drops what was held', async () => {
    const pages = {
      newest: { messages: [4, 5].map((s) => message('r', s, 'bob', 'm' + s)), hasMore: true },
      before4: { messages: [1, 2, 3].map((s) => message('r', s, 'bob', 'm' + s)), hasMore: false },
    };
    const api = fakeApi({
      messages: async (id, q) => (q.before === 4 ? pages.before4 : pages.newest),
    });
    const { client, last } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([room('r', 5)]));
    await client.loadNewest('r');
    const r = client.state.rooms.get('r');
    assert.equal(r.runStart, 4);
    assert.equal(await client.loadOlder('r'), 3);
    assert.equal(r.runStart, 1);
    assert.equal(await client.loadOlder('r'), 0, 'nothing older');
    last().frame({ type: 'reset', room: 'r', lastSeq: 2, code: 'cursor_ahead', message: 'x' });
    assert.equal(r.cursor, null);
  });

  test('a hole above the cursor is filled by seq', async () => {
    const asked = [];
    const api = fakeApi({
      messages: async (id, q) => {
        asked.push(q);
        return { messages: [message('r', 3, 'bob', 'c')], hasMore: false };
      },
    });
    const { client, last } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([room('r', 1)]));
    last().frame(message('r', 2, 'bob', 'b'));
    last().frame(message('r', 4, 'bob', 'd'));
    await flush();
    await flush();
    assert.deepEqual(asked.filter((q) => q.after !== undefined)[0], { limit: 200, after: 2 });
    assert.equal(client.state.rooms.get('r').cursor, 4);
  });
});

describe('invitations and blocks', () => {
  const inv = (id, from, at = '2025-03-14T09:00:00.000Z') => ({ room: { id, name: `alice, carol, ${from}`, kind: 'group' }, from, at });
  const group = (id) => ({ id, name: 'alice, carol, sam', kind: 'group', owner: null, capacity: 3, passcode: false, lastSeq: 3,
    members: ['alice', 'carol', 'sam'].map((username) => ({ username, online: false, lastSeen: null })) });
  const apiError = (status, code) => Object.assign(new Error(code), { status, code });

  function withInvites(extra = {}) {
    const calls = [];
    let list = [];
    const api = fakeApi({
      invites: async () => {
        calls.push(['invites']);
        return { invites: list };
      },
      room: async (id) => {
        calls.push(['room', id]);
        return group(id);
      },
      ...extra(calls),
    });
    return { api, calls, setList: (l) => { list = l; } };
  }

  test('read after each hello, kept in step by the frames, one per room', async () => {
    const { api, calls, setList } = withInvites(() => ({}));
    setList([inv('g1', 'sam')]);
    const { client, clock, last, events } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([]));
    await flush();
    assert.deepEqual([...client.state.invites.keys()], ['g1']);
    last().frame({ type: 'invite', invite: inv('g1', 'sam') });
    last().frame({ type: 'invite', invite: inv('g2', 'trent', '2025-03-14T09:05:00.000Z') });
    assert.deepEqual(client.state.orderedInvites().map((i) => i.room.id), ['g1', 'g2']);
    assert.deepEqual(events.filter(([t]) => t === 'invite').map(([, d]) => d.room.id), ['g2'], 'one already held is not news');
    last().frame({ type: 'invite_ended', room: 'g2', accepted: false });
    assert.deepEqual([...client.state.invites.keys()], ['g1']);
    assert.equal(calls.filter(([c]) => c === 'room').length, 0, 'a declined invitation brings no room');

    // While this client was away the invitation was declined elsewhere and another came: the next hello reads them.
    last().drop();
    clock.advance(500);
    setList([inv('g3', 'sam')]);
    last().open();
    last().frame(hello([]));
    await flush();
    assert.equal(calls.filter(([c]) => c === 'invites').length, 2);
    assert.deepEqual([...client.state.invites.keys()], ['g3']);
  });

  test('a block made on another device comes as a frame: his invitations end, and this client folds him too', async () => {
    const { api } = withInvites(() => ({ blocks: async () => ({ blocks: ['trent'] }) }));
    const { client, last } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([]));
    await flush();
    assert.deepEqual(client.state.blockedUsers(), ['trent'], 'the list is read after hello');
    last().frame({ type: 'invite', invite: inv('g1', 'sam') });
    last().frame({ type: 'block', user: 'sam', on: true });
    assert.deepEqual([...client.state.invites.keys()], []);
    assert.equal(client.state.isBlocked('sam'), true);
    last().frame({ type: 'block', user: 'trent', on: false });
    assert.deepEqual(client.state.blockedUsers(), ['sam']);
  });

  test('accepted on another device: the room is read and held here too, and its entries come', async () => {
    const { api, calls } = withInvites(() => ({}));
    const { client, last } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([]));
    last().frame({ type: 'invite', invite: inv('g1', 'sam') });
    last().frame({ type: 'invite_ended', room: 'g1', accepted: true });
    assert.equal(client.state.invites.size, 0);
    await flush();
    assert.deepEqual(calls.filter(([c]) => c === 'room'), [['room', 'g1']]);
    const r = client.state.rooms.get('g1');
    assert.ok(r, 'the room is held');
    assert.equal(client.state.displayName(r), 'carol, sam');
    // The node follows it on this connection: its entries from the join on come as for any room.
    last().frame({ ...message('g1', 4, 'alice', null), kind: 'joined', clientMsgId: null });
    last().frame(message('g1', 5, 'sam', 'welcome'));
    assert.equal(r.cursor, 5);
    assert.equal(r.unread, 1);
    assert.ok(client.state.resumeCursor().includes('g1:5'));
  });

  test('accepting here adopts the answer\'s room once; a refused join ends the invitation with the server\'s reason', async () => {
    let answer;
    const { api, calls } = withInvites((c) => ({
      acceptInvite: (id) => {
        c.push(['accept', id]);
        return new Promise((resolve, reject) => { answer = { resolve, reject }; });
      },
    }));
    const { client, last } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([]));
    last().frame({ type: 'invite', invite: inv('g1', 'sam') });
    last().frame({ type: 'invite', invite: inv('g2', 'sam') });
    const accepted = client.acceptInvite('g1');
    // Every connection hears of the answer, this one too, and may hear it before the HTTP answer.
    last().frame({ type: 'invite_ended', room: 'g1', accepted: true });
    answer.resolve(group('g1'));
    const r = await accepted;
    assert.equal(r.id, 'g1');
    assert.ok(client.state.rooms.has('g1'));
    assert.equal(calls.filter(([c]) => c === 'room').length, 0, 'no second read of a room the answer brought');

    const refused = client.acceptInvite('g2');
    answer.reject(apiError(409, 'room_full'));
    await assert.rejects(refused, /room_full/);
    assert.equal(client.state.invites.size, 0);
    assert.equal(client.state.rooms.has('g2'), false);
  });

  test('decline, and a decline of one answered elsewhere; a network failure keeps the invitation', async () => {
    const asked = [];
    let fail = null;
    const { api } = withInvites(() => ({
      declineInvite: async (id) => {
        asked.push(id);
        if (fail) throw fail;
        return null;
      },
    }));
    const { client, last } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([]));
    for (const id of ['g1', 'g2', 'g3']) last().frame({ type: 'invite', invite: inv(id, 'sam') });
    await client.declineInvite('g1');
    fail = apiError(404, 'no_such_invite');
    await client.declineInvite('g2');
    fail = apiError(0, 'network');
    await assert.rejects(client.declineInvite('g3'));
    assert.deepEqual(asked, ['g1', 'g2', 'g3']);
    assert.deepEqual([...client.state.invites.keys()], ['g3']);
  });

  test('blocking ends the sender\'s invitations at once; unblocking; the list is read', async () => {
    const asked = [];
    const { api } = withInvites(() => ({
      block: async (name) => { asked.push(['block', name]); return null; },
      unblock: async (name) => { asked.push(['unblock', name]); return null; },
      blocks: async () => ({ blocks: ['zed'] }),
    }));
    const { client, last } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([]));
    last().frame({ type: 'invite', invite: inv('g1', 'trent') });
    last().frame({ type: 'invite', invite: inv('g2', 'sam') });
    assert.deepEqual(await client.loadBlocks(), ['zed']);
    await client.block('trent');
    assert.deepEqual([...client.state.invites.keys()], ['g2']);
    assert.deepEqual(client.state.blockedUsers(), ['trent', 'zed']);
    // The node's own invite_ended for it changes nothing more.
    last().frame({ type: 'invite_ended', room: 'g1', accepted: false });
    assert.deepEqual([...client.state.invites.keys()], ['g2']);
    await client.unblock('zed');
    assert.deepEqual(client.state.blockedUsers(), ['trent']);
    assert.deepEqual(asked, [['block', 'trent'], ['unblock', 'zed']]);
  });
});

describe('rooms joined and left on any device', () => {
  const staff = { id: 'p0x7d2k4w9zz', name: 'staff', kind: 'room', lastSeq: 9, readSeq: 9, unread: 0, mentions: 0 };

  test('room_added shows a room joined elsewhere, with its entries from the join on; room_left drops it', async () => {
    const asked = [];
    const api = fakeApi({
      room: async (id) => {
        asked.push(id);
        return { id, name: 'staff', kind: 'room', owner: 'olga', capacity: 10, passcode: false, lastSeq: 10,
          members: [{ username: 'olga', online: true, lastSeen: null }, { username: 'alice', online: true, lastSeen: null }] };
      },
    });
    const { client, clock, last, events, storage } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([room('r', 1)]));
    last().frame({ type: 'room_added', room: staff });
    const r = client.state.rooms.get(staff.id);
    assert.ok(r, 'the room is held');
    assert.equal(client.state.displayName(r), 'staff');
    assert.deepEqual(events.filter(([t]) => t === 'added').map(([, d]) => d.room), [staff.id]);
    await flush();
    assert.deepEqual(asked, [staff.id], 'its details are read');
    assert.equal(r.members.size, 2);
    last().frame({ ...message(staff.id, 10, 'alice', null), kind: 'joined', clientMsgId: null });
    last().frame(message(staff.id, 11, 'olga', 'welcome'));
    assert.equal(r.unread, 1);
    assert.ok(client.state.resumeCursor().includes(`${staff.id}:11`));

    // Left on another device: gone here too, with what waited for it, named for a person.
    client.setDraft(staff.id, 'half a thought');
    client.send(staff.id, 'queued');
    last().frame({ type: 'room_left', room: staff.id });
    assert.equal(client.state.rooms.has(staff.id), false);
    assert.equal(client.state.outbox.pendingIn(staff.id).length, 0);
    assert.equal(client.draft(staff.id), '');
    assert.equal(storage.getItem('parley.drafts.alice'), null);
    const removed = events.filter(([t]) => t === 'removed').map(([, d]) => d);
    assert.deepEqual(removed, [{ room: staff.id, label: '#staff', kind: 'room', reason: 'left', here: false }]);
    last().frame({ type: 'room_left', room: staff.id });
    assert.equal(events.filter(([t]) => t === 'removed').length, 1, 'a second frame changes nothing');
    last().drop();
    clock.advance(500);
    assert.ok(!decodeURIComponent(last().url).includes(staff.id), 'the handshake no longer names it');
  });

  test('leaving here: one removal, told as this tab\'s own, whether the frame or the answer comes first', async () => {
    let answer;
    const api = fakeApi({ leave: () => new Promise((resolve) => { answer = resolve; }) });
    const { client, last, events } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([staff, room('r', 1)]));
    const leaving = client.leave(staff.id);
    last().frame({ type: 'room_left', room: staff.id });
    answer(null);
    await leaving;
    const removed = events.filter(([t]) => t === 'removed').map(([, d]) => d);
    assert.equal(removed.length, 1);
    assert.equal(removed[0].here, true);
    assert.equal(removed[0].label, '#staff');
  });

  test('a room missing from hello (left while away) is named in its removal', async () => {
    const { client, clock, last, events } = setup();
    client.start();
    last().open();
    last().frame(hello([staff, room('r', 1)]));
    last().drop();
    clock.advance(500);
    last().open();
    last().frame(hello([room('r', 1)]));
    const removed = events.filter(([t]) => t === 'removed').map(([, d]) => d);
    assert.deepEqual(removed, [{ room: staff.id, reason: 'gone', label: '#staff', kind: 'room' }]);
  });

  test('a newcomer nobody told this client of: their presence is asked for once', async () => {
    const asked = [];
    const api = fakeApi({
      room: async (id) => ({ id, name: 'R', kind: 'room', owner: 'alice', capacity: 10, passcode: false, lastSeq: 1,
        members: [{ username: 'alice', online: true, lastSeen: null }] }),
      user: async (name) => {
        asked.push(name);
        return { username: name, online: true, lastSeen: null };
      },
    });
    const { client, last } = setup({ api });
    client.start();
    last().open();
    last().frame(hello([room('r', 1)]));
    await client.loadDetails('r');
    last().frame({ ...message('r', 2, 'nina', null), kind: 'joined', clientMsgId: null });
    last().frame(message('r', 3, 'nina', 'hi all'));
    await flush();
    assert.deepEqual(asked, ['nina']);
    assert.equal(client.state.presenceOf('nina').online, true);
    assert.deepEqual([...client.state.rooms.get('r').members.keys()], ['alice', 'nina']);
  });
});

describe('drafts', () => {
  test('kept per room across a reload, per user; a blank one is forgotten', () => {
    const storage = new MemoryStorage();
    const a = setup({ storage });
    a.client.setDraft('r1', 'first thoughts');
    a.client.setDraft('r2', 'other room');
    assert.equal(a.client.draft('r1'), 'first thoughts');
    // A reload: a new client on the same storage.
    const b = setup({ storage });
    assert.equal(b.client.draft('r1'), 'first thoughts');
    assert.equal(b.client.draft('r2'), 'other room');
    assert.equal(b.client.draft('r3'), '');
    // Another tab wrote r2 meanwhile: writing r1 here keeps it.
    a.client.setDraft('r2', 'changed in the other tab');
    b.client.setDraft('r1', 'first thoughts, more');
    assert.equal(a.client.draft('r2'), 'changed in the other tab');
    b.client.setDraft('r1', '   ');
    assert.equal(a.client.draft('r1'), '');
    // Another user of this browser does not see them.
    const carol = new ChatClient('carol', { ...b.client.d });
    assert.equal(carol.draft('r2'), '');
    // Storage that is not JSON is no draft.
    storage.setItem('parley.drafts.alice', 'nonsense');
    assert.equal(b.client.draft('r2'), '');
  });
});

describe('refusals', () => {
  test('a refused reaction (an unknown shortcode) is told and leaves the outbox; a refused send stays to retry', () => {
    const { client, last, events, storage } = setup();
    client.start();
    last().open();
    last().frame(hello([room('r', 3)]));
    const react = client.react('r', 2, ':nope:');
    const send = client.send('r', 'hello');
    last().frame({ type: 'error', code: 'invalid_emoji', message: 'not an emoji', ref: react.clientMsgId });
    last().frame({ type: 'error', code: 'text_too_long', message: 'too long', ref: send.clientMsgId });
    assert.deepEqual(client.state.outbox.items.map((i) => i.clientMsgId), [send.clientMsgId]);
    assert.deepEqual(JSON.parse(storage.getItem('parley.outbox.alice')).map((i) => i.clientMsgId), [send.clientMsgId]);
    assert.deepEqual(events.filter(([t]) => t === 'error').map(([, d]) => d.code), ['invalid_emoji', 'text_too_long']);
  });
});

describe('frames that cross a removal', () => {
  test('a refusal of a marker or typing frame for a room the user is out of is no error to show', () => {
    const { client, last, events } = setup();
    client.start();
    last().open();
    last().frame(hello([room('r', 3)]));
    last().frame({ type: 'error', code: 'not_a_member', message: 'you are not a member of room k3v9q2m8x1ab' });
    last().frame({ type: 'error', code: 'no_such_room', message: 'no room k3v9q2m8x1ab' });
    last().frame({ type: 'error', code: 'invalid_request', message: 'bad frame' });
    assert.deepEqual(events.filter(([t]) => t === 'error').map(([, d]) => d.code), ['invalid_request']);
  });
});
