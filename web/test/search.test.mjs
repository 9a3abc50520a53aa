// Message search in the web client, without a browser: the filters shown as chips, hits grouped by room, highlights
// split without breaking a character, snippets, rooms the index is behind on, and a jump to a hit far back merged
// into the room's timeline without moving the resume cursor.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  queryChips, removeChip, groupHits, appendPage, behindRooms, behindDetails, behindText, splitHighlights, snippet, aroundQuery,
  countText,
} from '../src/search-model.js';
import { ChatState } from '../src/state.js';
import { ChatClient } from '../src/client.js';

const hit = (room, seq, text = 'x', highlights = []) => ({
  room: { id: room, name: room, kind: 'room' }, seq, sender: 'bob', sentAt: new Date(seq * 1000).toISOString(), text, highlights,
});

describe('chips', () => {
  test('each filter of the query is a chip; words and phrases are not', () => {
    const q = 'deploy "release notes" from:alice in:general -has:link is:mention before:2026-11-01 after:2026-10-01 has:file';
    assert.deepEqual(queryChips(q).map((c) => c.label), [
      'from: alice', 'in: general', 'not has: link', 'is: mention', 'before: 2026-11-01', 'after: 2026-10-01', 'has: file',
    ]);
  });

  test('a DM, a quoted room name, upper case keys, an empty filter', () => {
    const chips = queryChips('IN:@bob in:"team chat" From:Carol from: word');
    assert.deepEqual(chips.map((c) => [c.key, c.value]), [['in', '@bob'], ['in', 'team chat'], ['from', 'Carol']]);
  });

  test('a quote left open does not break the chips', () => {
    assert.deepEqual(queryChips('"open phrase from:alice').map((c) => c.label), []);
    assert.deepEqual(queryChips('from:alice "open').map((c) => c.label), ['from: alice']);
  });

  test('removing a chip takes its token out of the query and keeps the rest', () => {
    const q = 'deploy from:alice  friday in:general';
    const [from, inRoom] = queryChips(q);
    assert.equal(removeChip(q, from), 'deploy friday in:general');
    assert.equal(removeChip(q, inRoom), 'deploy from:alice  friday');
    assert.equal(removeChip('from:alice', queryChips('from:alice')[0]), '');
  });
});

describe('results', () => {
  test('hits are grouped by room in the order of each room\'s first hit, each room\'s hits in the server\'s order', () => {
    const groups = groupHits([hit('a', 9), hit('b', 8), hit('a', 5), hit('c', 4), hit('b', 2)]);
    assert.deepEqual(groups.map((g) => [g.room.id, g.hits.map((x) => x.seq)]), [['a', [9, 5]], ['b', [8, 2]], ['c', [4]]]);
  });

  test('a next page joins the groups it belongs to; a hit given twice shows once; indexedThrough is the newest', () => {
    const first = { hits: [hit('a', 9), hit('b', 8)], next: 'c1', indexedThrough: { a: 9, b: 8 } };
    const more = appendPage(first, { hits: [hit('b', 8), hit('a', 3)], next: null, indexedThrough: { a: 10, b: 8 } });
    assert.deepEqual(more.hits.map((x) => x.room.id + x.seq), ['a9', 'b8', 'a3']);
    assert.equal(more.next, null);
    assert.deepEqual(more.indexedThrough, { a: 10, b: 8 });
    assert.deepEqual(groupHits(more.hits).map((g) => g.hits.length), [2, 1]);
  });

  test('a room is behind when the client knows a seq past what the index has', () => {
    const last = { a: 10, b: 8, c: 0 };
    assert.deepEqual([...behindRooms({ a: 9, b: 8, c: 3, d: 1 }, (id) => last[id] || 0)], ['a']);
    assert.equal(behindRooms(undefined, () => 5).size, 0);
  });

  test('what is not searched yet: how many entries of which room, and since when if the client holds the oldest', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    const rooms = {
      ops: { lastSeq: 12, sentAtOf: (seq) => (seq === 11 ? '2026-11-27T11:59:57Z' : null) },
      dev: { lastSeq: 40, sentAtOf: () => null },
      calm: { lastSeq: 7, sentAtOf: () => null },
    };
    const d = behindDetails({ ops: 10, dev: 39, calm: 7, gone: 3 }, (id) => rooms[id] || null, now);
    assert.deepEqual(d, [{ id: 'ops', count: 2, sinceMs: 3000 }, { id: 'dev', count: 1, sinceMs: null }]);
    assert.equal(behindText(d, (id) => '#' + id), 'Not searched yet: the 2 newest entries of #ops (the last 3 s); the newest entry of #dev.');
    assert.equal(behindText([], () => ''), '');
    const many = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, count: 1, sinceMs: 120000 }));
    assert.match(behindText(many, (id) => '#' + id), /^Not searched yet: the newest entry of #a \(the last 2 min\);.*; and 2 more rooms\.$/);
  });

  test('counts', () => {
    assert.equal(countText(0, false), 'No messages match');
    assert.equal(countText(1, false), '1 result');
    assert.equal(countText(20, true), '20+ results');
  });
});

describe('highlights', () => {
  test('the text is split at its highlights, in order, overlaps merged, out of range clamped', () => {
    const parts = splitHighlights('deploy the deploys now', [[11, 18], [0, 6], [3, 5], [20, 99]]);
    assert.deepEqual(parts, [
      { text: 'deploy', hit: true }, { text: ' the ', hit: false }, { text: 'deploys', hit: true },
      { text: ' n', hit: false }, { text: 'ow', hit: true },
    ]);
    assert.equal(parts.map((p) => p.text).join(''), 'deploy the deploys now');
  });

  test('UTF-16 offsets past emoji land on the right words', () => {
    const text = '🎉 café 👩‍👩‍👧 déjà vu';
    const s = text.indexOf('café');
    const d = text.indexOf('déjà');
    const parts = splitHighlights(text, [[s, s + 4], [d, d + 4]]);
    assert.deepEqual(parts.filter((p) => p.hit).map((p) => p.text), ['café', 'déjà']);
  });

  test('an offset in the middle of a surrogate pair widens to the whole character, never half of one', () => {
    const text = 'a😀b𝒳c';
    // 😀 is [1,3), 𝒳 is [4,6): offsets 2 and 5 split them.
    const parts = splitHighlights(text, [[2, 4], [4, 5]]);
    assert.deepEqual(parts, [{ text: 'a', hit: false }, { text: '😀b𝒳', hit: true }, { text: 'c', hit: false }]);
    for (const p of parts) assert.equal(p.text, p.text.normalize(), 'whole characters');
    for (const p of parts) assert.doesNotMatch(p.text, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  test('no highlights, or junk in them: the text as one part', () => {
    assert.deepEqual(splitHighlights('hello', []), [{ text: 'hello', hit: false }]);
    assert.deepEqual(splitHighlights('hello', [[3, 3], ['x', 2], [4]]), [{ text: 'hello', hit: false }]);
    assert.deepEqual(splitHighlights('', [[0, 4]]), [{ text: '', hit: false }]);
  });

  test('a long text is cut around its first highlight, the highlights moved with it, no character split', () => {
    const text = '😀'.repeat(300) + ' needle ' + 'x'.repeat(600);
    const at = text.indexOf('needle');
    const s = snippet(text, [[at, at + 6]], 120);
    assert.ok(s.text.length <= 124, String(s.text.length));
    assert.ok(s.text.startsWith('…') && s.text.endsWith('…'));
    const parts = splitHighlights(s.text, s.highlights);
    assert.deepEqual(parts.filter((p) => p.hit).map((p) => p.text), ['needle']);
    assert.doesNotMatch(s.text, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    const short = snippet('short one', [[0, 5]]);
    assert.deepEqual(short, { text: 'short one', highlights: [[0, 5]] });
  });
});

describe('a jump to a hit', () => {
  test('reads the page around the seq: 25 before it, 50 in all, from the room\'s start at most', () => {
    assert.deepEqual(aroundQuery(400), { after: 375, limit: 50 });
    assert.deepEqual(aroundQuery(3), { after: 0, limit: 50 });
  });

  /** A room of n messages served as the node serves GET .../messages. */
  function roomApi(n) {
    const calls = [];
    const all = Array.from({ length: n }, (_, i) => ({
      room: 'r', seq: i + 1, kind: 'message', sender: 'bob', text: 'm' + (i + 1), sentAt: new Date((i + 1) * 1000).toISOString(), clientMsgId: null,
    }));
    return {
      calls,
      all,
      messages: async (id, q) => {
        calls.push(q);
        const limit = q.limit || 50;
        let page;
        if (q.after !== undefined) page = all.filter((m) => m.seq > q.after).slice(0, limit);
        else if (q.before !== undefined) page = all.filter((m) => m.seq < q.before).slice(-limit);
        else page = all.slice(-limit);
        const hasMore = q.after !== undefined ? page.length > 0 && page[page.length - 1].seq < all.length : page.length > 0 && page[0].seq > 1;
        return { messages: page, hasMore };
      },
    };
  }

  function client(api) {
    return new ChatClient('alice', {
      api, storage: { getItem: () => null, setItem() {}, removeItem() {} }, now: () => 0,
      setTimeout: () => 0, clearTimeout() {}, random: () => 0.5, randomBytes: (k) => new Uint8Array(k), openSocket() {}, wsUrl: () => '',
    });
  }

  test('a hit far back is read as an island around it; the resume cursor stays at the newest; live lines still extend the run', async () => {
    const api = roomApi(1000);
    const c = client(api);
    c.state.applyHello({ rooms: [{ id: 'r', name: 'r', kind: 'room', lastSeq: 1000, readSeq: 1000, unread: 0 }] });
    const seg = await c.loadAround('r', 300);
    const r = c.state.rooms.get('r');
    assert.deepEqual(api.calls, [{ limit: 50 }, { limit: 50, after: 275 }], 'the newest page first, then the page around the hit');
    assert.deepEqual(seg, { lo: 276, hi: 325, live: false });
    assert.equal(r.cursor, 1000);
    assert.equal(r.runStart, 951);
    assert.equal(c.state.resumeCursor(), 'r:1000');
    assert.equal(r.hasGap(), false);
    assert.deepEqual(r.visibleEntries().map((e) => e.seq)[0], 951, 'the live view is the run, not the island');
    assert.deepEqual(r.shownBetween(seg.lo, seg.hi).map((e) => e.seq), Array.from({ length: 50 }, (_, i) => 276 + i));
    c.state.applyEntry({ room: 'r', seq: 1001, kind: 'message', sender: 'bob', text: 'live', sentAt: new Date(1001e3).toISOString() });
    assert.equal(r.cursor, 1001);
    assert.deepEqual(r.segmentAround(300), { lo: 276, hi: 325, live: false });
  });

  test('the island grows both ways and joins the run when the seqs between are read', async () => {
    const api = roomApi(200);
    const c = client(api);
    c.state.applyHello({ rooms: [{ id: 'r', name: 'r', kind: 'room', lastSeq: 200, readSeq: 200, unread: 0 }] });
    await c.loadAround('r', 60);
    const r = c.state.rooms.get('r');
    assert.deepEqual(r.segmentAround(60), { lo: 36, hi: 85, live: false });
    assert.equal(await c.loadIslandBefore('r', 36), 35);
    assert.deepEqual(r.segmentAround(60), { lo: 1, hi: 85, live: false });
    assert.equal(r.hasMoreBefore(), true, 'the run still has older lines to read: the island says nothing of them');
    await c.loadIslandAfter('r', 85);
    assert.deepEqual(r.segmentAround(60), { lo: 1, hi: 135, live: false });
    await c.loadIslandAfter('r', 135);
    assert.deepEqual(r.segmentAround(60), { lo: 1, hi: 200, live: true }, 'joined: one run from the start to the newest');
    assert.equal(r.runStart, 1);
    assert.equal(r.cursor, 200);
    assert.equal(c.state.resumeCursor(), 'r:200');
  });

  test('a hit within the held lines reads nothing; one just before them merges into the run', async () => {
    const api = roomApi(120);
    const c = client(api);
    c.state.applyHello({ rooms: [{ id: 'r', name: 'r', kind: 'room', lastSeq: 120, readSeq: 120, unread: 0 }] });
    await c.loadNewest('r');
    api.calls.length = 0;
    assert.deepEqual(await c.loadAround('r', 100), { lo: 71, hi: 120, live: true });
    assert.deepEqual(api.calls, []);
    assert.deepEqual(await c.loadAround('r', 60), { lo: 36, hi: 120, live: true });
  });

  test('a hit newer than the run: the hole between is filled and it is in the run', async () => {
    const api = roomApi(300);
    const c = client(api);
    c.state.applyHello({ rooms: [{ id: 'r', name: 'r', kind: 'room', lastSeq: 100, readSeq: 100, unread: 0 }] });
    c.state.applyPage('r', { messages: api.all.slice(90, 100), hasMore: true }, 'newest');
    await c.loadAround('r', 290);
    await c.loading.get('r:gap');
    const r = c.state.rooms.get('r');
    assert.equal(r.cursor, 300);
    assert.equal(r.segmentAround(290).live, true);
  });

  test('an edit of a message in the island, live, changes it there; a reset forgets the island', async () => {
    const api = roomApi(500);
    const c = client(api);
    c.state.applyHello({ rooms: [{ id: 'r', name: 'r', kind: 'room', lastSeq: 500, readSeq: 500, unread: 0 }] });
    await c.loadAround('r', 100);
    const r = c.state.rooms.get('r');
    c.state.applyEntry({ room: 'r', seq: 501, kind: 'edit', target: 100, sender: 'bob', text: 'edited', sentAt: new Date(501e3).toISOString() });
    assert.equal(r.entries.get(100).text, 'edited');
    c.state.resetRoom('r', 501);
    assert.equal(r.segmentAround(100), null);
  });

  test('a hit below the retention floor is not there', async () => {
    const s = new ChatState('alice');
    const r = s.room('r');
    s.applyTrimmed('r', 200);
    assert.equal(r.segmentAround(150), null);
  });
});
