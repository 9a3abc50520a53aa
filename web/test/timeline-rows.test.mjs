import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatState } from '../src/state.js';
import { buildRows } from '../src/format.js';
import { timelineRows } from '../src/timeline-rows.js';

const at = (s) => new Date(Date.parse('2025-03-14T09:00:00.000Z') + s * 1000).toISOString();
const msg = (seq, sender, text, extra = {}) => ({ room: 'r', seq, kind: 'message', sender, text, sentAt: at(seq), clientMsgId: `${sender}-${seq}`, ...extra });

test('receipts show on the newest of the user\'s own messages; the others on hover; none on a deleted one', () => {
  const s = new ChatState('alice');
  s.applyHello({ type: 'hello', username: 'alice', rooms: [{ id: 'r', name: 'R', kind: 'room', lastSeq: 0, readSeq: 0, unread: 0 }] });
  s.applyEntry(msg(1, 'alice', 'one'));
  s.applyEntry(msg(2, 'alice', 'two'));
  s.applyEntry(msg(3, 'bob', 'three'));
  s.applyEntry(msg(4, 'alice', 'four'));
  s.applyEntry({ room: 'r', seq: 5, kind: 'delete', sender: 'alice', target: 2, sentAt: at(5), clientMsgId: 'd' });
  const r = s.rooms.get('r');
  const rows = timelineRows(s, r, buildRows(r.visibleEntries()), { today: 'x', revealed: new Set() })
    .filter((row) => row.type === 'entry');
  const bySeq = new Map(rows.map((row) => [row.entry.seq, row]));
  assert.equal(bySeq.get(4).statusOnHover, false, 'the newest own message shows its receipt');
  assert.ok(bySeq.get(4).status);
  assert.equal(bySeq.get(1).statusOnHover, true, 'an older one on hover');
  assert.equal(bySeq.get(2).status, '', 'a deleted one has none');
});

test('a row reads again when a block changes: its signature names whom the user blocks', () => {
  const s = new ChatState('alice');
  s.applyHello({ type: 'hello', username: 'alice', rooms: [{ id: 'r', name: 'R', kind: 'room', lastSeq: 0, readSeq: 0, unread: 0 }] });
  s.applyEntry(msg(1, 'bob', 'hello'));
  const r = s.rooms.get('r');
  const rowOf = () => timelineRows(s, r, buildRows(r.visibleEntries()), { today: 'x', revealed: new Set() })
    .find((row) => row.type === 'entry');
  const before = rowOf();
  s.applyBlocks(['dave']);
  const after = rowOf();
  assert.notEqual(before.sig, after.sig, 'a chip of dave\'s on bob\'s line would count him otherwise');
  assert.equal(after.hidden, false);
});
