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
