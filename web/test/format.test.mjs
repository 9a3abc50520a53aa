import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  tokenize, cleanText, buildRows, typingText, formatSize, lastSeenText, mentionQuery, completeMention, systemLine,
  actionText, excerpt, titleFor, dayKey, inviteText, endedSessionText, removedText, errorText,
} from '../src/format.js';

describe('tokens', () => {
  test('mentions are the names the server decided, as whole words, in any case', () => {
    const t = tokenize('hi @Alice and @bob, mail bob@example.org or @nobody', ['alice', 'bob'], 'alice');
    assert.deepEqual(t.filter((x) => x.t === 'mention').map((x) => [x.v, x.me]), [['@Alice', true], ['@bob', false]]);
    assert.equal(t.map((x) => x.v).join(''), 'hi @Alice and @bob, mail bob@example.org or @nobody');
  });

  test('a name right after a word is no mention, even a member\'s', () => {
    const t = tokenize('mail bob@example.org, ask @example.org', ['example.org']);
    assert.deepEqual(t.filter((x) => x.t === 'mention').map((x) => x.v), ['@example.org']);
    assert.equal(t[0].v, 'mail bob@example.org, ask ');
  });

  test('a trailing dot ends a sentence, not a name', () => {
    const t = tokenize('thanks @bob.', ['bob']);
    assert.deepEqual(t.map((x) => [x.t, x.v]), [['text', 'thanks '], ['mention', '@bob'], ['text', '.']]);
  });

  test('@room counts only when the entry mentions someone', () => {
    assert.equal(tokenize('@room lunch', ['alice', 'bob'], 'alice')[0].me, true);
    assert.equal(tokenize('@room lunch', [], 'alice')[0].t, 'text');
  });

  test('links are http(s) only, without trailing punctuation', () => {
    const t = tokenize('see https://example.org/a_(b), or javascript:alert(1).', []);
    const links = t.filter((x) => x.t === 'link');
    assert.deepEqual(links.map((l) => l.href), ['https://example.org/a_(b)']);
    assert.equal(t.map((x) => x.v).join(''), 'see https://example.org/a_(b), or javascript:alert(1).');
  });

  test('markup stays text', () => {
    const t = tokenize('<img src=x onerror=alert(1)>', []);
    assert.deepEqual(t, [{ t: 'text', v: '<img src=x onerror=alert(1)>' }]);
  });

  test('control characters and bidi overrides show as U+FFFD; emoji joiners stay', () => {
    assert.equal(cleanText('a\u202eb\u0007c'), 'a\ufffdb\ufffdc');
    assert.equal(cleanText('👩\u200d💻'), '👩\u200d💻');
    assert.equal(cleanText('line\nnext\ttab'), 'line\nnext\ttab');
  });

  test('/me is an action', () => {
    assert.equal(actionText('/me waves'), 'waves');
    assert.equal(actionText('/mean'), null);
  });
});

describe('rows', () => {
  const e = (seq, iso) => ({ seq, sentAt: iso, kind: 'message', sender: 'bob' });

  test('a day separator before the first entry of each local day, the new line after the marker', () => {
    const d1 = new Date(2025, 2, 14, 23, 50).toISOString();
    const d2 = new Date(2025, 2, 15, 0, 10).toISOString();
    const rows = buildRows([e(1, d1), e(2, d1), e(3, d2), e(4, d2)], { newLineAfter: 2, runStart: 1 });
    assert.deepEqual(rows.map((r) => r.key), ['d:2025-03-14', 'e:1', 'e:2', 'd:2025-03-15', 'new', 'e:3', 'e:4']);
  });

  test('no new line while the marker is above what is loaded', () => {
    const d = new Date(2025, 2, 14, 12).toISOString();
    const rows = buildRows([e(50, d), e(51, d)], { newLineAfter: 10, runStart: 50 });
    assert.equal(rows.some((r) => r.type === 'new'), false);
    assert.equal(buildRows([e(50, d)], { newLineAfter: 49, runStart: 50 }).some((r) => r.type === 'new'), true);
  });

  test('dayKey is the local calendar day', () => {
    assert.equal(dayKey(new Date(2025, 0, 5, 1, 2)), '2025-01-05');
  });
});

describe('labels', () => {
  test('typing line', () => {
    assert.equal(typingText([]), '');
    assert.equal(typingText(['bob']), 'bob is typing...');
    assert.equal(typingText(['bob', 'carol']), 'bob and carol are typing...');
    assert.equal(typingText(['bob', 'carol', 'dave']), 'bob and 2 others are typing...');
  });

  test('sizes, last seen, title, excerpt', () => {
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(1536), '1.5 KB');
    const now = Date.parse('2025-03-14T10:00:00Z');
    assert.equal(lastSeenText({ online: true }, now), 'online');
    assert.equal(lastSeenText({ online: false, lastSeen: null }, now), 'never seen');
    assert.equal(lastSeenText({ online: false, lastSeen: '2025-03-14T09:55:00Z' }, now), 'last seen 5 min ago');
    assert.equal(lastSeenText({ online: false, lastSeen: '2025-03-13T09:00:00Z' }, now), 'last seen yesterday');
    assert.equal(titleFor(0), 'Parley');
    assert.equal(titleFor(3), '(3) Parley');
    assert.equal(excerpt('a  b\n c', 80), 'a b c');
    assert.equal(excerpt('x'.repeat(10), 5), 'xxxx…');
  });

  test('file sizes: decimal units, one decimal below 10, whole numbers from 10, the next unit rather than 1000', () => {
    const cases = [
      [0, '0 B'], [999, '999 B'], [1000, '1.0 KB'], [1049, '1.0 KB'], [1050, '1.1 KB'], [6200, '6.2 KB'],
      [9949, '9.9 KB'], [9950, '10 KB'], [10_000, '10 KB'], [62_400, '62 KB'], [62_500, '63 KB'], [999_499, '999 KB'],
      [999_500, '1.0 MB'], [1_000_000, '1.0 MB'], [25 * 1024 * 1024, '26 MB'], [999_999_999, '1.0 GB'],
      [1_500_000_000, '1.5 GB'], [2_500_000_000_000, '2500 GB'],
    ];
    for (const [bytes, text] of cases) assert.equal(formatSize(bytes), text, `${bytes} bytes`);
  });

  test('a room the user is out of is named, never by its id; refusals that would show an id are put in words', () => {
    assert.equal(removedText({ reason: 'left', label: '#staff', kind: 'room' }), 'You left #staff on another device');
    assert.equal(removedText({ reason: 'left', label: '#staff', kind: 'room', here: true }), 'You left #staff');
    assert.equal(removedText({ reason: 'left', label: 'bob', kind: 'dm' }), 'You left the conversation with bob on another device');
    assert.equal(removedText({ reason: 'kicked', label: '#staff', kind: 'room', by: 'olga', text: 'spam' }),
      'You were kicked from #staff by olga: spam');
    assert.equal(removedText({ reason: 'deleted', label: '#staff', kind: 'room' }), '#staff was deleted by its owner');
    assert.equal(removedText({ reason: 'gone', label: null, kind: null }), 'You are no longer in a room');
    assert.equal(removedText({ reason: 'deleted', label: null }), 'A room you were in was deleted by its owner');
    assert.equal(errorText('not_a_member', 'you are not a member of room k3v9q2m8x1ab'), 'You are no longer in that room');
    assert.equal(errorText('no_such_room', 'no room k3v9q2m8x1ab'), 'That room no longer exists');
    assert.equal(errorText('text_too_long', 'at most 4000 characters'), 'at most 4000 characters');
  });

  test('system lines', () => {
    assert.equal(systemLine({ kind: 'joined', sender: 'bob' }), 'bob joined');
    assert.equal(systemLine({ kind: 'kicked', sender: 'alice', user: 'mallory', text: 'spam' }), 'mallory was kicked by alice: spam');
    assert.equal(systemLine({ kind: 'role', sender: 'alice', user: 'bob', role: 'owner' }), 'alice handed the room over to bob');
    assert.equal(systemLine({ kind: 'visibility', sender: 'alice', text: 'private' }), 'alice made the room private');
    assert.equal(systemLine({ kind: 'invited', sender: 'alice', user: 'bob' }), 'alice invited bob');
    assert.equal(systemLine({ kind: 'who_invites', sender: 'alice', text: 'members' }), 'alice let every member invite');
    assert.equal(systemLine({ kind: 'who_invites', sender: 'alice', text: 'admins' }),
      'alice kept invitations to the owner and admins');
    assert.equal(systemLine({ kind: 'message', sender: 'bob', text: 'x' }), null);
  });
});

describe('mention completion', () => {
  test('finds the @word at the caret and completes it', () => {
    assert.deepEqual(mentionQuery('hi @Bo', 6), { start: 3, prefix: 'bo' });
    assert.equal(mentionQuery('mail bob@ex', 11), null);
    assert.deepEqual(mentionQuery('@', 1), { start: 0, prefix: '' });
    assert.deepEqual(completeMention('hi @Bo and', 3, 6, 'bob'), { text: 'hi @bob  and', caret: 8 });
  });
});

describe('invitations and sessions', () => {
  test('an invitation says who invites the user to what; text from the network stays clean', () => {
    assert.equal(inviteText({ room: { id: 'g1', name: 'alice, bob, carol', kind: 'group' }, from: 'alice', at: 'x' }),
      'alice invites you to alice, bob, carol');
    assert.equal(inviteText({ room: { id: 'r1', name: 'ops', kind: 'room' }, from: 'bob' }), 'bob invites you to #ops');
    assert.equal(inviteText({ room: { id: 'g2', name: 'a\u202eb', kind: 'group' }, from: 'bob' }), 'bob invites you to a\ufffdb');
  });

  test('a session the node signed out names the limit', () => {
    assert.equal(endedSessionText({ reason: 'session_limit' }, 32), 'signed out: the account has 32 sessions, the limit');
    assert.equal(endedSessionText({ reason: 'later' }, 32), 'signed out');
  });
});
