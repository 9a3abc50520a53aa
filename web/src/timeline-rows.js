// The timeline's rows as DOM: day separators, the "new messages" line, messages (with replies, reactions, files,
// receipts), system lines, and the user's own lines still on their way. Every text goes in with textContent.

import { h } from './dom.js';
import {
  tokenize, actionText, timeLabel, dayLabel, systemLine, excerpt, formatSize, nickHue, PREVIEW_TYPES, cleanText,
} from './format.js';
import { POST_KINDS } from './state-room.js';

const GROUP_MS = 5 * 60 * 1000;

/**
 * Rows to draw for a room: its entries, then its pending lines. Each row has key and sig (see reconcile). With
 * `ctx.island` ({lo, hi, moreBefore, loadingNewer}) the entries are a stretch far back: no pending lines (they go at
 * the newest end), and a row below that says newer lines follow.
 */
export function timelineRows(state, room, rowsFromFormat, ctx) {
  const out = [];
  const me = state.me;
  const outboxEdits = new Map();
  for (const i of state.outbox.items) {
    if (i.room === room.id && (i.type === 'edit' || i.type === 'delete')) outboxEdits.set(i.seq, i.type);
  }
  const island = ctx.island || null;
  if (island ? island.moreBefore : room.hasMoreBefore()) out.push({ type: 'top', key: 'top', sig: ctx.loadingOlder ? 'l' : 'm', loading: ctx.loadingOlder });
  else if (room.cursor !== null) {
    const trimmed = room.floor > 1;
    out.push({ type: 'start', key: 'start', sig: 's' + room.floor, trimmed, floor: room.floor });
  }
  let prev = null;
  // Whom the user blocks changes how a row reads (folded, its chips): part of every row's signature.
  const blocks = state.blockedUsers().join(',');
  // Receipts show on the user's newest message (what Slack and Signal show); the others' on hover or focus.
  let newestOwn = -1;
  for (const row of rowsFromFormat) {
    const e = row.entry;
    if (e && e.sender === me && POST_KINDS.has(e.kind) && !e.deleted && e.seq > newestOwn) newestOwn = e.seq;
  }
  for (const row of rowsFromFormat) {
    if (row.type === 'day') {
      out.push({ ...row, sig: row.day + '|' + ctx.today });
      prev = null;
    } else if (row.type === 'new') {
      out.push({ ...row, sig: 'n' });
      prev = null;
    } else {
      const e = row.entry;
      const post = POST_KINDS.has(e.kind);
      const grouped = post && prev && POST_KINDS.has(prev.kind) && prev.sender === e.sender && !e.replyTo
        && Date.parse(e.sentAt) - Date.parse(prev.sentAt) < GROUP_MS;
      let status = '';
      if (post && e.sender === me && !e.deleted) {
        const st = state.receiptStatus(room.id, e.seq);
        status = st.status === 'read' && room.kind !== 'dm' && st.others > 1 ? `read ${st.read}/${st.others}` : st.status;
      }
      const target = e.replyTo ? room.entries.get(e.replyTo) : null;
      const pendingEdit = outboxEdits.get(e.seq) || '';
      const mine = e.sender === me;
      const canDelete = mine || ctx.canModerate;
      // Someone the user blocks: folded, until the user asks to see it.
      const hidden = post && !mine && state.isBlocked(e.sender) && !(ctx.revealed && ctx.revealed.has(room.id + ':' + e.seq));
      const sig = [e.rev, status, grouped ? 1 : 0, target ? target.rev + ':' + (target.deleted ? 1 : 0) : '-',
        pendingEdit, canDelete ? 1 : 0, hidden ? 1 : 0, blocks].join('|');
      const statusOnHover = e.seq !== newestOwn;
      out.push({ type: 'entry', key: row.key, sig: sig + (statusOnHover ? '|h' : ''), entry: e, status, statusOnHover,
        grouped: grouped && !hidden, target, pendingEdit, mine, canDelete, hidden });
      prev = post ? e : null;
    }
  }
  if (island) {
    out.push({ type: 'below', key: 'below', sig: island.loadingNewer ? 'l' : 'm', loading: island.loadingNewer });
    return out;
  }
  for (const [id, a] of state.acked) {
    if (a.room !== room.id) continue;
    out.push({ type: 'pending', key: 'p:' + id, sig: 'acked', id, text: a.text, file: a.file, status: 'sent', replyTo: a.replyTo });
  }
  for (const i of state.outbox.pendingIn(room.id)) {
    const st = i.failed ? 'failed' : 'pending';
    out.push({ type: 'pending', key: 'p:' + i.clientMsgId, sig: st + '|' + (i.error || ''), id: i.clientMsgId, text: i.text, status: st, error: i.error, replyTo: i.replyTo });
  }
  return out;
}

/** Builds one row's element. `ctx`: {state, room, now} */
export function makeRow(row, ctx) {
  switch (row.type) {
    case 'top':
      return h('div', { class: 'tl-top muted', role: 'status' }, row.loading ? 'Loading older messages…' : 'Scroll up for older messages');
    case 'start':
      return h('div', { class: 'tl-top muted' }, row.trimmed ? `History before #${row.floor} was removed by the room's retention`
        : `This is the start of ${ctx.roomName}`);
    case 'below':
      return h('div', { class: 'tl-top muted', role: 'status' }, row.loading ? 'Loading newer messages…' : 'Scroll down for newer messages');
    case 'day':
      return h('div', { class: 'day', role: 'separator' }, h('span', { text: dayLabel(new Date(row.at), ctx.now) }));
    case 'new':
      return h('div', { class: 'new-line', role: 'separator', id: 'new-line' }, h('span', { text: 'New messages' }));
    case 'entry':
      return entryEl(row, ctx);
    case 'pending':
      return pendingEl(row, ctx);
    default:
      return h('div');
  }
}

function nick(name, deleted) {
  const el = h('span', { class: 'nick', text: deleted ? `${name} (deleted)` : name });
  el.style.setProperty('--hue', String(nickHue(name)));
  return el;
}

function timeEl(at) {
  const d = new Date(at);
  return h('time', { datetime: at, title: d.toLocaleString() }, timeLabel(d));
}

/** The message text as nodes: mentions and links marked, nothing parsed as HTML. */
export function textNodes(text, mentions, me) {
  return tokenize(text, mentions, me).map((t) => {
    if (t.t === 'mention') return h('span', { class: t.me ? 'mention me' : 'mention', text: t.v });
    if (t.t === 'link') return h('a', { href: t.href, target: '_blank', rel: 'noopener noreferrer', text: t.v });
    return document.createTextNode(t.v);
  });
}

function entryEl(row, ctx) {
  const e = row.entry;
  const line = systemLine(e);
  if (line !== null && !POST_KINDS.has(e.kind)) {
    return h('div', { class: 'sys', dataset: { seq: String(e.seq) } },
      h('span', { class: 'sys-text', text: line }), ' ', timeEl(e.sentAt));
  }
  if (row.hidden) {
    return h('article', { class: 'msg folded', dataset: { seq: String(e.seq), sender: e.sender }, tabindex: '-1' },
      h('div', { class: 'msg-body' }, h('span', { class: 'muted', text: 'A message from someone you block' }), ' ',
        h('button', { type: 'button', class: 'link', dataset: { act: 'reveal' }, text: 'Show' })));
  }
  const me = ctx.state.me;
  const mentionsMe = Array.isArray(e.mentions) && e.mentions.includes(me);
  const cls = ['msg'];
  if (row.mine) cls.push('mine');
  if (mentionsMe && !row.mine) cls.push('mentions-me');
  if (row.grouped) cls.push('grouped');
  if (e.deleted) cls.push('deleted');
  const el = h('article', { class: cls.join(' '), dataset: { seq: String(e.seq), sender: e.sender }, tabindex: '-1' });
  const head = h('div', { class: 'msg-head' });
  const full = !row.grouped || e.replyTo;
  if (full) head.append(nick(e.sender, e.senderDeleted), timeEl(e.sentAt));
  if (head.childNodes.length) el.append(head);
  if (e.replyTo) {
    // Under the reply's own name, above its text: the quote belongs to it, not to the message above.
    const t = row.target;
    const label = t ? (t.deleted ? `${t.sender}: message deleted` : `${t.sender}: ${excerpt(t.kind === 'file' ? '📎 ' + (t.text || '') : t.text, 90)}`)
      : `message #${e.replyTo}`;
    el.append(h('button', { type: 'button', class: 'reply-quote', dataset: { act: 'jump', target: String(e.replyTo) },
      'aria-label': `In reply to ${label}` }, '↪ ', label));
  }
  const body = h('div', { class: 'msg-body', dir: 'auto' });
  if (e.deleted) {
    body.append(h('span', { class: 'muted', text: e.kind === 'file' ? 'file deleted' : 'message deleted' }));
  } else if (e.kind === 'file' && e.file) {
    body.append(fileEl(e.file, ctx));
  } else {
    const act = actionText(e.text);
    if (act !== null) {
      body.classList.add('action');
      body.append('* ', h('span', { class: 'nick-inline', text: e.sender }), ' ', ...textNodes(act, e.mentions, me));
    } else {
      body.append(...textNodes(e.text, e.mentions, me));
    }
  }
  if (e.editedAt && !e.deleted) body.append(h('span', { class: 'muted edited', text: ' (edited)' }));
  if (row.pendingEdit) body.append(h('span', { class: 'muted edited', text: row.pendingEdit === 'edit' ? ' (saving edit…)' : ' (deleting…)' }));
  if (row.status) {
    body.append(h('span', { class: row.statusOnHover ? 'status on-hover' : 'status', dataset: { status: row.status.split(' ')[0] }, text: row.status }));
  }
  el.append(body);
  if (e.reactions && e.reactions.size) {
    const chips = h('div', { class: 'reactions' });
    for (const [emoji, all] of e.reactions) {
      // Someone the user blocks counts in no chip.
      const who = all.filter((u) => !ctx.state.isBlocked(u));
      if (!who.length) continue;
      const mine = who.includes(me);
      chips.append(h('button', {
        type: 'button', class: 'chip', 'aria-pressed': mine ? 'true' : 'false', dataset: { act: 'chip', emoji },
        title: who.join(', '), 'aria-label': `${cleanText(emoji)} ${who.length}, by ${who.join(', ')}`,
      }, cleanText(emoji), ' ', h('span', { text: String(who.length) })));
    }
    if (chips.childNodes.length) el.append(chips);
  }
  if (!e.deleted) {
    const acts = h('div', { class: 'msg-actions', role: 'group', 'aria-label': 'Message actions' });
    acts.append(h('button', { type: 'button', dataset: { act: 'reply' }, 'aria-label': 'Reply', title: 'Reply' }, '↪'));
    acts.append(h('button', { type: 'button', dataset: { act: 'react' }, 'aria-label': 'React', title: 'React' }, '☺'));
    if (row.mine && e.kind === 'message') acts.append(h('button', { type: 'button', dataset: { act: 'edit' }, 'aria-label': 'Edit', title: 'Edit' }, '✎'));
    if (!row.mine && (e.kind === 'message' || e.kind === 'file')) acts.append(h('button', { type: 'button', dataset: { act: 'report' }, 'aria-label': 'Report', title: 'Report to the room\'s owner and admins' }, '⚑'));
    if (row.canDelete) acts.append(h('button', { type: 'button', dataset: { act: 'delete' }, 'aria-label': 'Delete', title: 'Delete' }, '✗'));
    el.append(acts);
  }
  return el;
}

function fileEl(f, ctx) {
  const url = ctx.fileUrl(f.id);
  const wrap = h('div', { class: 'file' });
  if (PREVIEW_TYPES.has(f.contentType)) {
    const img = h('img', { src: url, alt: cleanText(f.name), loading: 'lazy', decoding: 'async' });
    img.addEventListener('load', () => ctx.onMediaLoad && ctx.onMediaLoad());
    wrap.append(h('a', { href: url, target: '_blank', rel: 'noopener', class: 'preview' }, img));
  }
  wrap.append(h('div', { class: 'file-meta' },
    h('span', { 'aria-hidden': 'true' }, '📎 '),
    h('a', { href: url, download: cleanText(f.name), class: 'file-link', text: cleanText(f.name) }),
    h('span', { class: 'muted', text: ` · ${formatSize(f.size)} · ${f.contentType}` })));
  return wrap;
}

function pendingEl(row, ctx) {
  const el = h('article', { class: 'msg mine pending', dataset: { clientMsgId: row.id, status: row.status } });
  if (row.replyTo) el.append(h('div', { class: 'reply-quote muted', text: `↪ message #${row.replyTo}` }));
  const label = row.status === 'failed' ? `not sent: ${row.error}` : row.status === 'sent' ? 'sent' : 'sending…';
  el.append(h('div', { class: 'msg-head' }, nick(ctx.state.me)));
  const body = h('div', { class: 'msg-body', dir: 'auto' });
  if (row.file) body.append('📎 ', cleanText(row.file.name));
  else body.append(...textNodes(row.text || '', [], ctx.state.me));
  body.append(h('span', { class: 'status', dataset: { status: row.status }, text: label }));
  el.append(body);
  if (row.status === 'failed') {
    el.append(h('div', { class: 'row' },
      h('button', { type: 'button', dataset: { act: 'retry' } }, 'Retry'),
      h('button', { type: 'button', dataset: { act: 'discard' } }, 'Discard')));
  }
  return el;
}
