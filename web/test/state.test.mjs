import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ChatState, MAX_AFTER_ROOMS } from '../src/state.js';
import { Outbox, TypingThrottle, DeliveredThrottle, backoffDelay, newClientMsgId } from '../src/outbox.js';

const T0 = Date.parse('2025-03-14T09:00:00.000Z');
const at = (s) => new Date(T0 + s * 1000).toISOString();

function msg(room, seq, sender, text, extra = {}) {
  return { room, seq, kind: 'message', sender, text, sentAt: at(seq), clientMsgId: `${sender}-${seq}`, ...extra };
}
function joined(room, seq, sender) {
  return { room, seq, kind: 'joined', sender, text: null, sentAt: at(seq), clientMsgId: null };
}
function hello(rooms, notifications = 0) {
  return { type: 'hello', username: 'alice', rooms, notifications };
}
function summary(id, lastSeq, readSeq, unread, mentions = 0, extra = {}) {
  return { id, name: id.toUpperCase(), kind: 'room', lastSeq, readSeq, unread, mentions, ...extra };
}

describe('timeline keyed by seq', () => {
  test('live entries extend the run in order; duplicates are not added', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 2, 2, 0)]));
    assert.equal(s.applyEntry(msg('r', 3, 'bob', 'a')).added, true);
    assert.equal(s.applyEntry(msg('r', 4, 'bob', 'b')).added, true);
    assert.equal(s.applyEntry(msg('r', 4, 'bob', 'b again')).added, false);
    const r = s.rooms.get('r');
    assert.equal(r.cursor, 4);
    assert.equal(r.runStart, 3);
    assert.deepEqual(r.visibleEntries().map((e) => e.seq), [3, 4]);
    assert.equal(r.entries.get(4).text, 'b', 'the first copy stays');
  });

  test('an entry past a hole is held back until the hole fills, and the cursor never skips', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 10, 10, 0)]));
    s.applyEntry(msg('r', 11, 'bob', 'x'));
    const res = s.applyEntry(msg('r', 13, 'bob', 'z'));
    assert.equal(res.gap, true);
    const r = s.rooms.get('r');
    assert.equal(r.cursor, 11);
    assert.deepEqual(r.visibleEntries().map((e) => e.seq), [11]);
    assert.equal(s.resumeCursor(), 'r:11');
    s.applyPage('r', { messages: [msg('r', 12, 'bob', 'y'), msg('r', 13, 'bob', 'z')], hasMore: false }, 'after');
    assert.equal(r.cursor, 13);
    assert.equal(r.hasGap(), false);
    assert.deepEqual(r.visibleEntries().map((e) => e.seq), [11, 12, 13]);
  });

  test('newest page, then older pages down to the start', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 6, 6, 0)]));
    s.applyPage('r', { messages: [4, 5, 6].map((n) => msg('r', n, 'bob', 't' + n)), hasMore: true }, 'newest');
    const r = s.rooms.get('r');
    assert.equal(r.runStart, 4);
    assert.equal(r.cursor, 6);
    assert.equal(r.hasMoreBefore(), true);
    s.applyPage('r', { messages: [joined('r', 1, 'alice'), msg('r', 2, 'bob', 'a'), msg('r', 3, 'bob', 'b')], hasMore: false }, 'before');
    assert.equal(r.runStart, 1);
    assert.equal(r.hasMoreBefore(), false);
    assert.deepEqual(r.visibleEntries().map((e) => e.seq), [1, 2, 3, 4, 5, 6]);
  });

  test('a page overlapping live entries merges without duplicates', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 50, 50, 0)]));
    for (let n = 51; n <= 55; n++) s.applyEntry(msg('r', n, 'bob', 'live' + n));
    const page = [];
    for (let n = 41; n <= 56; n++) page.push(msg('r', n, 'bob', 'page' + n));
    const added = s.applyPage('r', { messages: page, hasMore: true }, 'newest');
    assert.equal(added, 11);
    const r = s.rooms.get('r');
    assert.equal(r.runStart, 41);
    assert.equal(r.cursor, 56);
    assert.equal(r.entries.get(52).text, 'live52');
    assert.equal(new Set(r.visibleEntries().map((e) => e.seq)).size, 16);
  });

  test('meta entries are not lines; kinds a later protocol adds are skipped', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyEntry(msg('r', 2, 'bob', 'hi'));
    s.applyEntry({ room: 'r', seq: 3, kind: 'reaction', sender: 'carol', target: 2, emoji: '🎉', on: true, sentAt: at(3), clientMsgId: null, text: null });
    s.applyEntry({ room: 'r', seq: 4, kind: 'poll', sender: 'carol', sentAt: at(4), text: 'future', clientMsgId: null });
    const r = s.rooms.get('r');
    assert.equal(r.cursor, 4, 'the run covers every kind');
    assert.deepEqual(r.visibleEntries().map((e) => e.seq), [2]);
  });

  test('reset forgets the room; trimmed moves the floor', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 5, 5, 0)]));
    s.applyEntry(msg('r', 6, 'bob', 'x'));
    s.resetRoom('r', 3);
    const r = s.rooms.get('r');
    assert.equal(r.cursor, null);
    assert.equal(r.entries.size, 0);
    assert.equal(s.resumeCursor(), '');
    s.applyTrimmed('r', 20);
    assert.equal(r.cursor, 19);
    assert.equal(r.floor, 20);
    assert.equal(r.hasMoreBefore(), false);
    s.applyEntry(msg('r', 20, 'bob', 'first after the floor'));
    assert.equal(r.cursor, 20);
    assert.deepEqual(r.visibleEntries().map((e) => e.seq), [20]);
  });

  test('a page below the floor says trimmed: history stops there', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 30, 30, 0)]));
    s.applyPage('r', { messages: [msg('r', 25, 'bob', 'a'), msg('r', 26, 'bob', 'b')], hasMore: true }, 'newest');
    s.applyPage('r', { messages: [msg('r', 21, 'bob', 'f'), msg('r', 22, 'bob', 'g'), msg('r', 23, 'bob', 'h'), msg('r', 24, 'bob', 'i')], hasMore: false, trimmed: true, floorSeq: 21 }, 'before');
    const r = s.rooms.get('r');
    assert.equal(r.floor, 21);
    assert.equal(r.runStart, 21);
    assert.equal(r.hasMoreBefore(), false);
  });
});

describe('unread and mention counts', () => {
  test('entries the hello already counted are not counted again when the socket replays them', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 5, 3, 2)]));
    s.applyEntry(msg('r', 3, 'bob', 'old'));
    // The handshake named r:3: the socket sends 4 and 5 (already in unread), then 6 (new).
    s.applyEntry(msg('r', 4, 'bob', 'x'));
    s.applyEntry(msg('r', 5, 'bob', 'y'));
    const r = s.rooms.get('r');
    assert.equal(r.unread, 2);
    const res = s.applyEntry(msg('r', 6, 'bob', 'hey @alice', { mentions: ['alice'] }));
    assert.equal(res.counted, true);
    assert.equal(res.mentionsMe, true);
    assert.equal(r.unread, 3);
    assert.equal(r.mentions, 1);
    assert.equal(s.totalUnread(), 3);
  });

  test('a mention is read once its room is read past it, on this device or another; so the Mentions badge clears', () => {
    const s = new ChatState('alice');
    s.applyHello({ ...hello([summary('r', 5, 2, 3, 1), summary('g', 3, 1, 2)]), notifications: 2 });
    assert.equal(s.notifications, 2, 'as hello counted them');
    s.applyInboxUnread([{ room: 'r', seq: 4, read: false }, { room: 'g', seq: 3, read: false }, { room: 'r', seq: 1, read: true }]);
    assert.equal(s.notifications, 2);
    for (let seq = 3; seq <= 5; seq++) s.applyEntry(msg('r', seq, 'bob', 'x ' + seq));
    s.markRead('r');
    assert.equal(s.notifications, 1, 'the mention in r is read with r');
    s.noteNotification('g', 4);
    assert.equal(s.notifications, 2);
    // Read on the phone: the marker frame (or her own receipt) comes to this tab.
    s.applyOwnMarker('g', 4);
    assert.equal(s.notifications, 0);
    assert.equal(s.rooms.get('g').unread, 0);
    s.noteNotification('r', 7);
    s.applyEntry(msg('r', 6, 'bob', 'six'));
    s.applyEntry(msg('r', 7, 'bob', '@alice seven', { mentions: ['alice'] }));
    s.applyReceipts('r', [{ username: 'alice', deliveredSeq: 6, readSeq: 6 }]);
    assert.equal(s.rooms.get('r').unread, 1, 'read up to 6 elsewhere: 7 is still unread');
    assert.equal(s.rooms.get('r').mentions, 1);
    assert.equal(s.notifications, 1);
  });

  test('a message from someone the user blocks counts for nothing, as the node counts it', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 2, 2, 0)]));
    s.applyBlocks(['dave']);
    const res = s.applyEntry(msg('r', 3, 'dave', 'hey @alice', { mentions: ['alice'] }));
    assert.equal(res.added, true);
    assert.equal(res.counted, false);
    const r = s.rooms.get('r');
    assert.equal(r.unread, 0);
    assert.equal(r.mentions, 0);
    s.applyTyping({ type: 'typing', room: 'r', username: 'dave' }, T0);
    assert.deepEqual(s.typers('r', T0), []);
    s.unblocked('dave');
    s.applyEntry(msg('r', 4, 'dave', 'again'));
    assert.equal(r.unread, 1);
  });

  test('joins, own messages and meta entries are not unread; an own message moves the marker', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyEntry(joined('r', 2, 'bob'));
    s.applyEntry(msg('r', 3, 'bob', 'hi'));
    const r = s.rooms.get('r');
    assert.equal(r.unread, 1);
    s.applyEntry(msg('r', 4, 'alice', 'hello'));
    assert.equal(r.unread, 0);
    assert.equal(r.readSeq, 4);
    s.applyEntry({ room: 'r', seq: 5, kind: 'edit', sender: 'bob', target: 3, text: 'hi!', sentAt: at(5), clientMsgId: 'e' });
    assert.equal(r.unread, 0);
  });

  test('a file counts as unread like a message', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyEntry({ room: 'r', seq: 2, kind: 'file', sender: 'bob', text: 'a.png', sentAt: at(2), clientMsgId: 'u', file: { id: 'f', name: 'a.png', size: 3, contentType: 'image/png', sha256: 'x' } });
    assert.equal(s.rooms.get('r').unread, 1);
  });

  test('markRead moves the marker to the held seq once, never back', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyEntry(msg('r', 2, 'bob', 'a', { mentions: ['alice'] }));
    s.applyEntry(msg('r', 3, 'bob', 'b'));
    assert.equal(s.markRead('r'), 3);
    const r = s.rooms.get('r');
    assert.equal(r.unread, 0);
    assert.equal(r.mentions, 0);
    assert.equal(s.markRead('r'), null);
    assert.equal(r.readSeq, 3);
  });

  test('the new-messages line sits at the read marker when others wrote after it', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 4, 2, 2)]));
    s.applyPage('r', { messages: [joined('r', 1, 'alice'), msg('r', 2, 'alice', 'me'), msg('r', 3, 'bob', 'x'), msg('r', 4, 'bob', 'y')], hasMore: false }, 'newest');
    assert.equal(s.newLineAfter('r'), 2);
    s.markRead('r');
    assert.equal(s.newLineAfter('r'), null);
  });

  test('hello drops rooms the user is no longer in and keeps what it knew of unavailable ones', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('a', 3, 3, 0), summary('b', 2, 2, 0)], 4));
    assert.equal(s.notifications, 4);
    s.outbox.add({ clientMsgId: 'to-b', type: 'send', room: 'b', text: 'x' });
    s.outbox.add({ clientMsgId: 'to-a', type: 'send', room: 'a', text: 'y' });
    const removed = s.applyHello(hello([{ id: 'a', name: null, kind: null, lastSeq: 3, readSeq: 3, unread: 0, unavailable: true }]));
    assert.deepEqual(removed, ['b']);
    assert.deepEqual(s.outbox.items.map((i) => i.clientMsgId), ['to-a'], 'what waited for a room left is dropped');
    const a = s.rooms.get('a');
    assert.equal(a.name, 'A');
    assert.equal(a.unavailable, true);
  });
});

describe('edits, deletes and reactions', () => {
  function room() {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyEntry(msg('r', 2, 'bob', 'hello'));
    return s;
  }

  test('a live edit replaces the text; a delete removes it', () => {
    const s = room();
    s.applyEntry({ room: 'r', seq: 3, kind: 'edit', sender: 'bob', target: 2, text: 'hello all', sentAt: at(3), clientMsgId: 'e1' });
    const m = s.rooms.get('r').entries.get(2);
    assert.equal(m.text, 'hello all');
    assert.equal(m.editedAt, at(3));
    s.applyEntry({ room: 'r', seq: 4, kind: 'delete', sender: 'bob', target: 2, text: null, sentAt: at(4), clientMsgId: 'd1' });
    assert.equal(m.deleted, true);
    assert.equal(m.text, null);
    s.applyEntry({ room: 'r', seq: 5, kind: 'edit', sender: 'bob', target: 2, text: 'back?', sentAt: at(5), clientMsgId: 'e2' });
    assert.equal(m.text, null, 'a deleted message stays deleted');
  });

  test('reactions toggle per user and emoji', () => {
    const s = room();
    const r = (seq, who, on) => s.applyEntry({ room: 'r', seq, kind: 'reaction', sender: who, target: 2, emoji: '🎉', on, sentAt: at(seq), clientMsgId: null, text: null });
    r(3, 'carol', true);
    r(4, 'dave', true);
    const m = s.rooms.get('r').entries.get(2);
    assert.deepEqual(m.reactions.get('🎉'), ['carol', 'dave']);
    r(5, 'carol', false);
    assert.deepEqual(m.reactions.get('🎉'), ['dave']);
    r(6, 'dave', false);
    assert.equal(m.reactions.has('🎉'), false);
  });

  test('a reaction is its emoji: :tada: and 🎉 are one chip, live and from history', () => {
    const s = room();
    const react = (seq, who, emoji, on = true) => s.applyEntry({ room: 'r', seq, kind: 'reaction', sender: who, target: 2, emoji, on, sentAt: at(seq), clientMsgId: null, text: null });
    react(3, 'carol', ':tada:');
    react(4, 'dave', '🎉');
    react(5, 'erin', ':+1:');
    const m = s.rooms.get('r').entries.get(2);
    assert.deepEqual([...m.reactions.keys()], ['🎉', '👍']);
    assert.deepEqual(m.reactions.get('🎉'), ['carol', 'dave']);
    react(6, 'carol', '🎉', false);
    assert.deepEqual(m.reactions.get('🎉'), ['dave'], 'taken off by its emoji, put on by its shortcode');
    // A shortcode the table does not know stays text; a message read from history folds its reactions too.
    s.applyPage('r', { messages: [msg('r', 1, 'bob', 'old', { reactions: { ':tada:': ['bob'], '🎉': ['carol', 'bob'], ':nope:': ['dave'] } })], hasMore: false }, 'before');
    const old = s.rooms.get('r').entries.get(1);
    assert.deepEqual([...old.reactions.entries()], [['🎉', ['bob', 'carol']], [':nope:', ['dave']]]);
  });

  test('the picker offers emoji only, each one the protocol\'s table knows', async () => {
    const { QUICK_REACTIONS, SHORTCODES, reactionEmoji } = await import('../src/emoji.js');
    const known = new Set(SHORTCODES.values());
    assert.ok(QUICK_REACTIONS.length >= 6);
    for (const e of QUICK_REACTIONS) {
      assert.doesNotMatch(e, /^:.*:$/, `${e} is a shortcode`);
      assert.ok(known.has(e), `${e} is not in the table`);
    }
    assert.equal(reactionEmoji(':tada:'), '🎉');
    assert.equal(reactionEmoji(':+1:'), '👍');
    assert.equal(reactionEmoji('🫠'), '🫠');
    assert.equal(reactionEmoji(':unknown:'), ':unknown:');
  });

  test('a history read already shows later changes: older meta entries in a later page do not undo them', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 10, 10, 0)]));
    // The newest page: message 5 read as it is now (carol's reaction taken off at 9, text edited at 8).
    const m5 = msg('r', 5, 'bob', 'edited text', { editedAt: at(8), reactions: {} });
    s.applyPage('r', {
      messages: [m5, { room: 'r', seq: 6, kind: 'reaction', sender: 'carol', target: 5, emoji: '👍', on: true, sentAt: at(6), clientMsgId: null, text: null },
        { room: 'r', seq: 7, kind: 'edit', sender: 'bob', target: 5, text: 'first edit', sentAt: at(7), clientMsgId: 'e' },
        { room: 'r', seq: 8, kind: 'edit', sender: 'bob', target: 5, text: 'edited text', sentAt: at(8), clientMsgId: 'e2' },
        { room: 'r', seq: 9, kind: 'reaction', sender: 'carol', target: 5, emoji: '👍', on: false, sentAt: at(9), clientMsgId: null, text: null },
        msg('r', 10, 'bob', 'x')],
      hasMore: true,
    }, 'newest');
    const m = s.rooms.get('r').entries.get(5);
    assert.equal(m.text, 'edited text');
    assert.equal(m.reactions.size, 0);
    // A live reaction after the read applies.
    s.applyEntry({ room: 'r', seq: 11, kind: 'reaction', sender: 'dave', target: 5, emoji: '👍', on: true, sentAt: at(11), clientMsgId: null, text: null });
    assert.deepEqual(m.reactions.get('👍'), ['dave']);
  });

  test('an older page brings a message with its current state: its older meta entries are not applied again', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 10, 10, 0)]));
    const react = (seq, on) => ({ room: 'r', seq, kind: 'reaction', sender: 'carol', target: 5, emoji: '👍', on, sentAt: at(seq), clientMsgId: null, text: null });
    // The newest page holds the reaction's removal (its target is not loaded yet).
    s.applyPage('r', { messages: [react(9, false), msg('r', 10, 'bob', 'x')], hasMore: true }, 'newest');
    // The page before: message 5 as it is now (no reaction, edited once), then the reaction put on at 6 and the edit.
    s.applyPage('r', {
      messages: [msg('r', 5, 'bob', 'second text', { editedAt: at(8) }), react(6, true),
        { room: 'r', seq: 7, kind: 'edit', sender: 'bob', target: 5, text: 'first edit', sentAt: at(7), clientMsgId: 'e1' },
        { room: 'r', seq: 8, kind: 'edit', sender: 'bob', target: 5, text: 'second text', sentAt: at(8), clientMsgId: 'e2' }],
      hasMore: true,
    }, 'before');
    const m = s.rooms.get('r').entries.get(5);
    assert.equal(m.reactions.size, 0);
    assert.equal(m.text, 'second text');
    assert.equal(s.rooms.get('r').runStart, 5);
  });

  test('meta entries arriving out of order: the later one wins', () => {
    const s = room();
    const react = (seq, on) => ({ room: 'r', seq, kind: 'reaction', sender: 'carol', target: 2, emoji: ':tada:', on, sentAt: at(seq), clientMsgId: null, text: null });
    s.applyEntry(react(3, true));
    // 5 (off) comes live before a fill brings 4 (on).
    s.applyEntry(react(5, false));
    s.applyPage('r', { messages: [react(4, true)], hasMore: true }, 'after');
    assert.equal(s.rooms.get('r').entries.get(2).reactions.has(':tada:'), false);
  });
});

describe('receipts', () => {
  function dm() {
    const s = new ChatState('alice');
    s.applyHello(hello([{ id: 'dm:alice:bob', name: 'alice, bob', kind: 'dm', lastSeq: 2, readSeq: 2, unread: 0, mentions: 0 }]));
    s.applyRoomDetails({ id: 'dm:alice:bob', name: 'alice, bob', kind: 'dm', owner: 'alice', capacity: 2, passcode: false, lastSeq: 2,
      members: [{ username: 'alice', online: true, lastSeen: null }, { username: 'bob', online: true, lastSeen: null }] });
    s.applyEntry(msg('dm:alice:bob', 3, 'alice', 'hi'));
    return s;
  }

  test('sent, then delivered, then read', () => {
    const s = dm();
    const id = 'dm:alice:bob';
    assert.equal(s.receiptStatus(id, 3).status, 'sent');
    s.applyReceipts(id, [{ username: 'bob', deliveredSeq: 3, readSeq: 2 }]);
    assert.equal(s.receiptStatus(id, 3).status, 'delivered');
    s.applyReceipts(id, [{ username: 'bob', deliveredSeq: 3, readSeq: 3 }]);
    assert.equal(s.receiptStatus(id, 3).status, 'read');
    // Markers never move back (a room that restarted may report 0 for a moment).
    s.applyReceipts(id, [{ username: 'bob', deliveredSeq: 0, readSeq: 0 }]);
    assert.equal(s.receiptStatus(id, 3).status, 'read');
  });

  test('own markers do not count; a hidden read marker shows delivered only; k of n in a room', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyRoomDetails({ id: 'r', name: 'R', kind: 'room', owner: 'alice', capacity: 10, passcode: false, lastSeq: 1,
      members: ['alice', 'bob', 'carol', 'dave'].map((u) => ({ username: u, online: true, lastSeen: null, role: u === 'alice' ? 'owner' : 'member' })) });
    s.applyEntry(msg('r', 2, 'alice', 'hi'));
    s.applyReceipts('r', [{ username: 'alice', deliveredSeq: 2, readSeq: 2 }]);
    assert.equal(s.receiptStatus('r', 2).status, 'sent');
    s.applyReceipts('r', [{ username: 'bob', deliveredSeq: 2, readSeq: null }]);
    assert.equal(s.receiptStatus('r', 2).status, 'delivered');
    s.applyReceipts('r', [{ username: 'carol', deliveredSeq: 2, readSeq: 2 }]);
    assert.deepEqual(s.receiptStatus('r', 2), { status: 'read', read: 1, others: 3 });
  });

  test('someone who wrote after a message has read it (no receipt comes for that); a hidden marker stays hidden', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyRoomDetails({ id: 'r', name: 'R', kind: 'room', owner: 'alice', capacity: 10, passcode: false, lastSeq: 1,
      members: ['alice', 'bob', 'carol'].map((u) => ({ username: u, online: true, lastSeen: null, role: 'member' })) });
    s.applyReceipts('r', [{ username: 'bob', deliveredSeq: 1, readSeq: 1 }, { username: 'carol', deliveredSeq: 1, readSeq: null }]);
    s.applyEntry(msg('r', 2, 'alice', 'lunch?'));
    assert.equal(s.receiptStatus('r', 2).status, 'sent');
    s.applyEntry(msg('r', 3, 'carol', 'yes'));
    assert.deepEqual(s.receiptStatus('r', 2), { status: 'delivered', read: 0, others: 2 });
    s.applyEntry(msg('r', 4, 'bob', 'me too'));
    assert.deepEqual(s.receiptStatus('r', 2), { status: 'read', read: 1, others: 2 });
  });
});

describe('typing and presence', () => {
  test('typing shows for 6 s from the last frame, ends on stop, on a message, and when the typist goes offline', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyTyping({ room: 'r', username: 'bob' }, 1000);
    s.applyTyping({ room: 'r', username: 'carol' }, 1500);
    s.applyTyping({ room: 'r', username: 'alice' }, 1500);
    assert.deepEqual(s.typers('r', 2000), ['bob', 'carol']);
    assert.deepEqual(s.typers('r', 7100), ['carol'], 'bob expired after 6 s');
    s.applyTyping({ room: 'r', username: 'carol', stop: true }, 7200);
    assert.deepEqual(s.typers('r', 7200), []);
    s.applyTyping({ room: 'r', username: 'bob' }, 8000);
    s.applyEntry(msg('r', 2, 'bob', 'done'));
    assert.deepEqual(s.typers('r', 8001), []);
    s.applyTyping({ room: 'r', username: 'dave' }, 9000);
    s.applyPresence([{ username: 'dave', online: false, lastSeen: at(9) }]);
    assert.deepEqual(s.typers('r', 9001), []);
  });

  test('a newcomer who joins while online: listed from their joined entry, online from the presence frame', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    const details = { id: 'r', name: 'R', kind: 'room', owner: 'alice', capacity: 10, passcode: false, lastSeq: 1,
      members: [{ username: 'alice', online: true, lastSeen: null }] };
    const epoch = s.presenceEpoch;
    s.applyRoomDetails(details);
    const r = s.rooms.get('r');
    s.applyEntry(joined('r', 2, 'nina'));
    assert.deepEqual([...r.members.keys()], ['alice', 'nina']);
    const rev = r.rev;
    s.applyPresence([{ username: 'nina', online: true, lastSeen: at(2) }]);
    assert.equal(s.presenceOf('nina').online, true);
    assert.ok(r.rev > rev, 'the member list is drawn again');
    // A read of the room asked before the join and answered after it does not take the newcomer off the list.
    s.applyRoomDetails(details, epoch);
    assert.deepEqual([...r.members.keys()], ['alice', 'nina']);
    assert.equal(s.presenceOf('nina').online, true);
  });

  test('a room read answered after a presence frame keeps the frame state', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    const epoch = s.presenceEpoch;
    s.applyPresence([{ username: 'bob', online: false, lastSeen: at(5) }]);
    s.applyRoomDetails({ id: 'r', name: 'R', kind: 'room', owner: 'alice', capacity: 10, passcode: false, lastSeq: 1,
      members: [{ username: 'alice', online: true, lastSeen: null }, { username: 'bob', online: true, lastSeen: null }, { username: 'carol', online: true, lastSeen: null }] }, epoch);
    assert.equal(s.presenceOf('bob').online, false);
    assert.equal(s.presenceOf('carol').online, true);
    assert.equal(s.rooms.get('r').members.size, 3);
  });
});

describe('rooms joined and left on any device', () => {
  test('room_added: the room is held with its summary, active from now; an invitation to it ends', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('a', 3, 3, 0)]));
    s.applyInvite({ room: { id: 'g1', name: 'alice, bob, sam', kind: 'group' }, from: 'sam', at: at(0) });
    const res = s.applyRoomAdded({ id: 'g1', name: 'alice, bob, sam', kind: 'group', lastSeq: 2, readSeq: 2, unread: 0, mentions: 0 }, T0 + 60_000);
    assert.equal(res.added, true);
    assert.equal(s.invites.size, 0);
    assert.equal(s.rooms.get('g1').lastActivity, T0 + 60_000);
    assert.deepEqual(s.orderedRooms().map((r) => r.id), ['a', 'g1']);
    assert.equal(s.applyRoomAdded({ id: 'g1', name: 'alice, bob, sam', kind: 'group', lastSeq: 2, readSeq: 2, unread: 0 }, T0).added, false);
    // Its entries come from the join on; the summary counted what was before.
    s.applyEntry(joined('g1', 3, 'alice'));
    s.applyEntry(msg('g1', 4, 'sam', 'hi'));
    assert.equal(s.rooms.get('g1').unread, 1);
    assert.equal(s.rooms.get('g1').cursor, 4);
  });

  test('rooms are named in sentences by name, never by id', () => {
    const s = new ChatState('alice');
    s.applySummary(summary('k3v9q2m8x1ab', 1, 1, 0));
    s.applySummary({ id: 'dm:alice:bob', name: null, kind: 'dm', lastSeq: 0, readSeq: 0, unread: 0 });
    s.applySummary({ id: 'g1', name: 'alice, bob, carol', kind: 'group', lastSeq: 0, readSeq: 0, unread: 0 });
    s.applySummary({ id: 'u1', unavailable: true, lastSeq: 0, readSeq: 0, unread: 0 });
    assert.equal(s.roomLabel(s.rooms.get('k3v9q2m8x1ab')), '#K3V9Q2M8X1AB');
    assert.equal(s.roomLabel(s.rooms.get('dm:alice:bob')), 'bob');
    assert.equal(s.roomLabel(s.rooms.get('g1')), 'bob, carol');
    assert.equal(s.roomLabel(s.rooms.get('u1')), null);
    assert.equal(s.roomLabel(undefined), null);
  });
});

describe('DMs and groups', () => {
  test('no "joined" lines in a DM or a group; a room keeps them', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([
      { id: 'g1', name: 'alice, carol, dave', kind: 'group', lastSeq: 0, readSeq: 0, unread: 0 },
      { id: 'dm:alice:bob', name: 'alice, bob', kind: 'dm', lastSeq: 0, readSeq: 0, unread: 0 },
      summary('r', 0, 0, 0),
    ]));
    for (const id of ['g1', 'dm:alice:bob', 'r']) {
      s.applyEntry(joined(id, 1, 'carol'));
      s.applyEntry(joined(id, 2, 'dave'));
      s.applyEntry(msg(id, 3, 'carol', 'hi'));
      s.applyEntry({ ...joined(id, 4, 'dave'), kind: 'left' });
    }
    const kinds = (id) => s.rooms.get(id).visibleEntries().map((e) => e.kind);
    assert.deepEqual(kinds('g1'), ['message', 'left']);
    assert.deepEqual(kinds('dm:alice:bob'), ['message', 'left']);
    assert.deepEqual(kinds('r'), ['joined', 'joined', 'message', 'left']);
  });
});

describe('group titles', () => {
  test('a group DM is titled with who is in it, not everyone it was opened with', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([{ id: 'g1', name: 'alice, bob, carol, dave', kind: 'group', lastSeq: 3, readSeq: 3, unread: 0 }]));
    const r = s.rooms.get('g1');
    assert.equal(s.displayName(r), 'bob, carol, dave', 'until its members are read: its name');
    // carol declined, dave blocked the opener: two members.
    s.applyRoomDetails({ id: 'g1', name: 'alice, bob, carol, dave', kind: 'group', lastSeq: 3,
      members: [{ username: 'bob', online: true }, { username: 'alice', online: true }] });
    assert.equal(s.displayName(r), 'bob');
    assert.equal(s.roomLabel(r), 'bob');
  });
});

describe('resume cursor and room order', () => {
  test('names each held room at its gap-free seq, most active first, at most 1000', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('a', 5, 5, 0), summary('b', 9, 9, 0), summary('c', 1, 1, 0), { id: 'dm:alice:bob', name: 'alice, bob', kind: 'dm', lastSeq: 2, readSeq: 2, unread: 0 }]));
    s.applyEntry(msg('a', 6, 'bob', 'x'));
    s.applyEntry(msg('dm:alice:bob', 3, 'bob', 'later', { sentAt: at(100) }));
    assert.equal(s.resumeCursor(), 'dm:alice:bob:3,a:6');
    const many = new ChatState('alice');
    for (let i = 0; i < MAX_AFTER_ROOMS + 5; i++) many.applyEntry(msg('r' + i, 1, 'bob', 'x'));
    assert.equal(many.resumeCursor().split(',').length, MAX_AFTER_ROOMS);
  });

  test('rooms before DMs, each by latest activity', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('a', 1, 1, 0), summary('b', 1, 1, 0), { id: 'dm:alice:bob', name: 'alice, bob', kind: 'dm', lastSeq: 2, readSeq: 2, unread: 0 }]));
    s.applyEntry(msg('dm:alice:bob', 3, 'bob', 'x'));
    s.applyEntry(msg('a', 2, 'bob', 'x'));
    s.applyEntry(msg('b', 5, 'bob', 'newer'));
    assert.deepEqual(s.orderedRooms().map((r) => r.id), ['b', 'a', 'dm:alice:bob']);
  });

  test('display names: a DM by the other party, a group by the others', () => {
    const s = new ChatState('bob');
    s.applyHello({ rooms: [{ id: 'dm:alice:bob', name: 'alice, bob', kind: 'dm', lastSeq: 2, readSeq: 2, unread: 0 },
      { id: 'g1', name: 'alice, bob, carol', kind: 'group', lastSeq: 3, readSeq: 3, unread: 0 }] });
    assert.equal(s.displayName(s.rooms.get('dm:alice:bob')), 'alice');
    assert.equal(s.displayName(s.rooms.get('g1')), 'alice, carol');
  });

  test('mention candidates: members by prefix, recent speakers first, never oneself', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyRoomDetails({ id: 'r', name: 'R', kind: 'room', owner: 'alice', capacity: 10, passcode: false, lastSeq: 1,
      members: ['alice', 'bob', 'bobby', 'carol'].map((u) => ({ username: u, online: true, lastSeen: null })) });
    s.applyEntry(msg('r', 2, 'bobby', 'x'));
    assert.deepEqual(s.mentionCandidates('r', 'bo'), ['bobby', 'bob']);
    assert.deepEqual(s.mentionCandidates('r', 'a'), []);
    assert.deepEqual(s.mentionCandidates('r', 'r'), ['room']);
  });

  test('the last own message is what Up edits', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.applyEntry(msg('r', 2, 'alice', 'mine'));
    s.applyEntry(msg('r', 3, 'bob', 'theirs'));
    assert.equal(s.lastOwnMessage('r').seq, 2);
  });
});

describe('outbox', () => {
  test('keeps sends in order across a reload and drops one when its entry comes back', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('r', 1, 1, 0)]));
    s.outbox.add({ clientMsgId: 'c1', type: 'send', room: 'r', text: 'one' });
    s.outbox.add({ clientMsgId: 'c2', type: 'send', room: 'r', text: 'two' });
    const reloaded = Outbox.from(JSON.stringify(s.outbox));
    assert.deepEqual(reloaded.items.map((i) => i.clientMsgId), ['c1', 'c2']);
    s.applyEntry({ ...msg('r', 2, 'alice', 'one'), clientMsgId: 'c1' });
    assert.deepEqual(s.outbox.items.map((i) => i.clientMsgId), ['c2']);
    assert.equal(Outbox.from('not json').items.length, 0);
    assert.equal(Outbox.from('[{"clientMsgId":"x"}]').items.length, 0, 'malformed items are dropped');
  });

  test('rate_limited waits retryAfterMs; other refusals fail the item', () => {
    const o = new Outbox();
    o.add({ clientMsgId: 'a', type: 'send', room: 'r', text: 'x' });
    o.add({ clientMsgId: 'b', type: 'send', room: 'r', text: 'y' });
    o.refused('a', 'rate_limited', 'slow down', 87, 1000);
    assert.deepEqual(o.due(1000).map((i) => i.clientMsgId), ['b']);
    assert.equal(o.nextRetry(1000), 1087);
    assert.deepEqual(o.due(1087).map((i) => i.clientMsgId), ['a', 'b']);
    o.refused('b', 'invalid_message', 'too long', undefined, 1100);
    assert.equal(o.get('b').failed, true);
    assert.deepEqual(o.due(2000).map((i) => i.clientMsgId), ['a']);
    assert.equal(o.size, 1);
  });
});

describe('throttles', () => {
  test('typing: a start at most every 2 s, a stop only after a start', () => {
    const t = new TypingThrottle();
    assert.equal(t.input('', 0), null);
    assert.equal(t.input('h', 0), 'start');
    assert.equal(t.input('he', 500), null);
    assert.equal(t.input('hel', 1999), null);
    assert.equal(t.input('hell', 2000), 'start');
    assert.equal(t.input('', 2100), 'stop');
    assert.equal(t.input('', 2200), null);
    assert.equal(t.input('x', 3000), null, 'the 2 s run on across a stop');
    assert.equal(t.input('', 3050), null, 'nothing was announced since the stop');
    assert.equal(t.input('/join x', 4000), null, 'a command is not a message being typed');
    assert.equal(t.input('/me waves', 4000), 'start');
    t.sent();
    assert.equal(t.input('', 4100), null, 'a send already ended it');
    assert.equal(t.input('next', 5000), null);
    assert.equal(t.input('next one', 6000), 'start');
  });

  test('delivered: per room at most once a second, only when the held seq moved', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('a', 1, 1, 0), summary('b', 1, 1, 0)]));
    const d = new DeliveredThrottle();
    s.applyEntry(msg('a', 2, 'bob', 'x'));
    const rooms = () => [...s.rooms.values()];
    assert.deepEqual(d.due(rooms(), 0), [{ room: 'a', seq: 2 }]);
    s.applyEntry(msg('a', 3, 'bob', 'y'));
    s.applyEntry(msg('b', 2, 'bob', 'z'));
    assert.deepEqual(d.due(rooms(), 400), [{ room: 'b', seq: 2 }]);
    assert.equal(d.nextAt(rooms(), 400), 1000);
    assert.deepEqual(d.due(rooms(), 999), []);
    assert.deepEqual(d.due(rooms(), 1000), [{ room: 'a', seq: 3 }]);
    assert.deepEqual(d.due(rooms(), 5000), []);
  });

  test('backoff doubles from 0.5 s to 30 s with jitter', () => {
    assert.equal(backoffDelay(0, () => 1), 500);
    assert.equal(backoffDelay(0, () => 0), 250);
    assert.equal(backoffDelay(3, () => 1), 4000);
    assert.equal(backoffDelay(20, () => 1), 30000);
    assert.equal(backoffDelay(20, () => 0), 15000);
  });

  test('clientMsgIds are fresh', () => {
    let n = 0;
    const bytes = (k) => Uint8Array.from({ length: k }, () => n++ % 256);
    const a = newClientMsgId(bytes);
    const b = newClientMsgId(bytes);
    assert.match(a, /^w-[0-9a-f]{24}$/);
    assert.notEqual(a, b);
  });
});

describe('invitations and blocks', () => {
  const inv = (id, from, at, name = `${from}, alice, carol`) => ({ room: { id, name, kind: 'group' }, from, at });

  test('the list after hello replaces what is held, oldest first, one per room', () => {
    const s = new ChatState('alice');
    s.applyInvite(inv('g2', 'bob', '2025-03-14T09:02:00.000Z'));
    s.applyInviteList([inv('g2', 'bob', '2025-03-14T09:02:00.000Z'), inv('g1', 'dave', '2025-03-14T09:01:00.000Z')], s.inviteEpoch);
    assert.deepEqual(s.orderedInvites().map((i) => i.room.id), ['g1', 'g2']);
    s.applyInviteList([inv('g1', 'dave', '2025-03-14T09:01:00.000Z')], s.inviteEpoch);
    assert.deepEqual(s.orderedInvites().map((i) => i.room.id), ['g1'], 'one the list no longer has was answered elsewhere');
  });

  test('frames that come while the list is on its way win over it', () => {
    const s = new ChatState('alice');
    s.applyInvite(inv('g1', 'bob', at(1)));
    const asked = s.inviteEpoch;
    // The list was read before these frames, on another path: it still has g1 and lacks g2.
    s.applyInvite(inv('g2', 'dave', at(2)));
    assert.ok(s.endInvite('g1'));
    s.applyInviteList([inv('g1', 'bob', at(1)), inv('g3', 'erin', at(3))], asked);
    assert.deepEqual(s.orderedInvites().map((i) => i.room.id), ['g2', 'g3']);
    // A list asked for after them says how things are.
    s.applyInviteList([inv('g3', 'erin', at(3))], s.inviteEpoch);
    assert.deepEqual(s.orderedInvites().map((i) => i.room.id), ['g3']);
    assert.equal(s.inviteMarks.size, 0, 'marks older than a list are forgotten');
  });

  test('an invitation to a room the user holds, or a malformed one, is not shown; ending an unknown one is harmless', () => {
    const s = new ChatState('alice');
    s.applyHello(hello([summary('g1', 2, 2, 0, 0, { kind: 'group' })]));
    assert.equal(s.applyInvite(inv('g1', 'bob', at(1))), false);
    assert.equal(s.applyInvite({ from: 'bob' }), false);
    s.applyInviteList([inv('g1', 'bob', at(1)), { room: null, from: 'x' }], s.inviteEpoch);
    assert.equal(s.invites.size, 0);
    assert.equal(s.endInvite('nope'), null);
  });

  test('blocking ends that sender\'s invitations and no one else\'s; the list stays sorted', () => {
    const s = new ChatState('alice');
    assert.deepEqual(s.blockedUsers(), []);
    s.applyBlocks(['zed', 'bob']);
    s.applyInvite(inv('g1', 'mallory', at(1)));
    s.applyInvite(inv('g2', 'dave', at(2)));
    s.applyInvite(inv('g3', 'mallory', at(3)));
    assert.deepEqual(s.blocked('mallory').sort(), ['g1', 'g3']);
    assert.deepEqual(s.orderedInvites().map((i) => i.room.id), ['g2']);
    assert.deepEqual(s.blockedUsers(), ['bob', 'mallory', 'zed']);
    s.unblocked('bob');
    assert.deepEqual(s.blockedUsers(), ['mallory', 'zed']);
  });
});
