// Pure helpers for what the view shows: text cleaning, mention and link tokens, day separators, labels.
// No DOM here: the view turns tokens into nodes with textContent, never innerHTML.

const BAD_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Text from others as text: control characters and bidi overrides / isolates become U+FFFD. */
export function cleanText(s) {
  if (typeof s !== 'string') return '';
  return s.replace(BAD_CHARS, '\ufffd').replace(/[\u2028\u2029]/g, '\n');
}

const NAME_CHARS = /[a-z0-9_.-]/i;
const TOKEN = /(@[A-Za-z0-9_.-]+)|(\bhttps?:\/\/[^\s<>"'`]+)/g;

/**
 * Splits a message's text into tokens: {t:'text', v}, {t:'mention', v, name, me}, {t:'link', v, href}.
 * `mentions` is the entry's list (decided by the server); `me` the user. `@room` counts when the entry mentions
 * anybody (the server only lists members for it when it counts).
 */
export function tokenize(text, mentions = [], me = null) {
  const s = cleanText(text);
  const names = new Set((mentions || []).map((n) => n.toLowerCase()));
  const out = [];
  let last = 0;
  const push = (t) => {
    const prev = out[out.length - 1];
    if (t.t === 'text' && prev && prev.t === 'text') prev.v += t.v;
    else if (t.v) out.push(t);
  };
  for (const m of s.matchAll(TOKEN)) {
    const at = m.index;
    if (m[1]) {
      // A whole word: not right after a name character (bob@example.org is no mention).
      if (at > 0 && NAME_CHARS.test(s[at - 1])) continue;
      let word = m[1].slice(1);
      let name = null;
      while (word.length > 0) {
        const low = word.toLowerCase();
        if (names.has(low) || (low === 'room' && names.size > 0)) {
          name = low;
          break;
        }
        if (/[.-]$/.test(word)) word = word.slice(0, -1);
        else break;
      }
      if (!name) continue;
      push({ t: 'text', v: s.slice(last, at) });
      const v = '@' + word;
      push({ t: 'mention', v, name, me: name === me || (name === 'room' && names.has(me)) });
      last = at + v.length;
    } else {
      let href = m[2].replace(/[.,;:!?)\]}'"]+$/, '');
      // Keep a closing parenthesis that closes one opened in the link.
      if (m[2].length > href.length && m[2][href.length] === ')' && href.includes('(')) href += ')';
      push({ t: 'text', v: s.slice(last, at) });
      push({ t: 'link', v: href, href });
      last = at + href.length;
    }
  }
  push({ t: 'text', v: s.slice(last) });
  return out;
}

/** `/me waves` is an action. Returns the action's text or null. */
export function actionText(text) {
  return typeof text === 'string' && text.startsWith('/me ') ? text.slice(4) : null;
}

export function pad2(n) {
  return String(n).padStart(2, '0');
}

/** Local calendar day of a time, as a key: 2025-03-14. */
export function dayKey(date) {
  const d = date instanceof Date ? date : new Date(date);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** "Today", "Yesterday", or the date written out. */
export function dayLabel(date, now = new Date(), locale = undefined) {
  const d = date instanceof Date ? date : new Date(date);
  const today = dayKey(now);
  if (dayKey(d) === today) return 'Today';
  const y = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(d) === dayKey(y)) return 'Yesterday';
  return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(d);
}

export function timeLabel(date) {
  const d = date instanceof Date ? date : new Date(date);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/**
 * The rows of a timeline: day separators before the first entry of each day, the "new messages" line after
 * `newLineAfter` (a seq; only once the run loaded reaches it: `runStart`), then the entries. Each row has a
 * stable key.
 */
export function buildRows(entries, { newLineAfter = null, runStart = null } = {}) {
  const rows = [];
  let day = null;
  // The line goes where the read marker is; if that part of the room is not loaded yet, there is no line yet.
  let lineDone = newLineAfter === null || (runStart !== null && runStart > newLineAfter + 1);
  for (const e of entries) {
    const k = dayKey(new Date(e.sentAt));
    if (k !== day) {
      day = k;
      rows.push({ type: 'day', key: 'd:' + k, day: k, at: e.sentAt });
    }
    if (!lineDone && e.seq > newLineAfter) {
      lineDone = true;
      rows.push({ type: 'new', key: 'new' });
    }
    rows.push({ type: 'entry', key: 'e:' + e.seq, entry: e });
  }
  return rows;
}

/** "bob is typing...", "bob and carol are typing...", "bob and 2 others are typing...", or "". */
export function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing...`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing...`;
  return `${names[0]} and ${names.length - 1} others are typing...`;
}

/**
 * A file's size, by the one rule Parley's clients share: decimal units (1 KB is 1000 B, 1 MB is 1000 KB, then GB,
 * the largest); under 1000 B whole bytes (512 B); from 1 KB one decimal below 10 (6.2 KB, 1.0 MB) and a whole
 * number from 10 up (62 KB, 620 KB), rounded half up; a figure that would round to 1000 is the next unit instead
 * (999,999 B is 1.0 MB, not 1000 KB). Decimal, as the units are defined; two or three figures, so a line stays
 * short. The terminal client shows sizes by the same rule.
 */
export function formatSize(bytes) {
  const n = Math.max(0, Math.round(Number(bytes) || 0));
  if (n < 1000) return `${n} B`;
  // Step for step the terminal's arithmetic (parley.client.core.Transfer.size): the same doubles, the same text.
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1000;
  let u = 0;
  while (u < units.length - 1 && Math.round(v) >= 1000) {
    v /= 1000;
    u++;
  }
  const tenths = Math.round(v * 10) / 10;
  return tenths < 10 ? `${tenths.toFixed(1)} ${units[u]}` : `${Math.round(v)} ${units[u]}`;
}

/** "online", "last seen 5 min ago", "last seen yesterday", "never seen". */
export function lastSeenText(p, now = Date.now()) {
  if (!p) return '';
  if (p.online) return 'online';
  if (!p.lastSeen) return 'never seen';
  const t = Date.parse(p.lastSeen);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return 'last seen just now';
  if (s < 3600) return `last seen ${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `last seen ${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86400);
  return d === 1 ? 'last seen yesterday' : `last seen ${d} days ago`;
}

/** The line for an entry that is not a post (joins, leaves, room changes), or null for a post. */
export function systemLine(e) {
  const who = e.sender;
  const reason = e.text ? `: ${cleanText(e.text)}` : '';
  switch (e.kind) {
    case 'joined': return `${who} joined`;
    case 'left': return `${who} left`;
    case 'account_closed': return `${who} closed their account`;
    case 'topic': return e.text ? `${who} set the topic: ${cleanText(e.text)}` : `${who} cleared the topic`;
    case 'renamed': return `${who} renamed the room to ${cleanText(e.text)}`;
    case 'settings': {
      const parts = [];
      if (typeof e.passcode === 'boolean') parts.push(e.passcode ? 'a passcode is needed to join' : 'no passcode is needed');
      if (typeof e.capacity === 'number') parts.push(`capacity ${e.capacity}`);
      return `${who} changed the settings: ${parts.join(', ') || 'updated'}`;
    }
    case 'visibility': return `${who} made the room ${cleanText(e.text)}`;
    case 'who_invites': return e.text === 'members' ? `${who} let every member invite`
      : `${who} kept invitations to the owner and admins`;
    case 'invited': return `${who} invited ${e.user}`;
    case 'kicked': return `${e.user} was kicked by ${who}${reason}`;
    case 'banned': return `${e.user} was banned by ${who}${reason}`;
    case 'unbanned': return `${e.user} was unbanned by ${who}`;
    case 'role':
      if (e.role === 'owner') return `${who} handed the room over to ${e.user}`;
      return e.role === 'admin' ? `${who} made ${e.user} an admin` : `${who} made ${e.user} a member`;
    case 'retention': {
      const r = e.retention || {};
      if (r.maxMessages) return `${who} set the room to keep its last ${r.maxMessages} messages`;
      if (r.maxAgeDays) return `${who} set the room to keep ${r.maxAgeDays} days of history`;
      return `${who} set the room to keep all history`;
    }
    case 'trimmed': return `history before #${e.floorSeq} was removed by retention`;
    default: return null;
  }
}

/** A short excerpt of a message's text for a reply quote or a notification. */
export function excerpt(text, max = 80) {
  const s = cleanText(text || '').replace(/\s+/g, ' ').trim();
  const chars = Array.from(s);
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : s;
}

/** Image types the server serves inline, so the client may preview them. */
export const PREVIEW_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** A stable hue (0-359) for a nick, so each person keeps one colour. */
export function nickHue(name) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return h % 360;
}

/** Where the caret's `@word` starts, for completion: {start, prefix} or null. */
export function mentionQuery(text, caret) {
  const before = text.slice(0, caret);
  const m = /(^|[^A-Za-z0-9_.-])@([A-Za-z0-9_.-]*)$/.exec(before);
  if (!m) return null;
  return { start: caret - m[2].length - 1, prefix: m[2].toLowerCase() };
}

/** Replaces the `@prefix` at `start` with `@name `. Returns {text, caret}. */
export function completeMention(text, start, caret, name) {
  const ins = '@' + name + ' ';
  return { text: text.slice(0, start) + ins + text.slice(caret), caret: start + ins.length };
}

/** The tab title: "(3) Parley" with unread messages, "Parley" without. */
export function titleFor(unread, base = 'Parley') {
  return unread > 0 ? `(${unread}) ${base}` : base;
}

/** "alice invites you to alice, bob, carol": an invitation (GET /me/invites, an `invite` frame) as a sentence. */
export function inviteText(invite) {
  const r = invite.room || {};
  const name = cleanText(r.name || r.id || '');
  return `${cleanText(invite.from)} invites you to ${r.kind === 'room' ? '#' + name : name}`;
}

/**
 * What to tell the user who is out of a room (a `removed` event of the client: reason, label, kind, by, text,
 * here). The room by its name, never its id.
 */
export function removedText(d) {
  const direct = d.kind === 'dm' || d.kind === 'group';
  const label = d.label ? cleanText(d.label) : null;
  const where = direct ? (label ? `the conversation with ${label}` : 'a conversation') : label || 'a room';
  const by = d.by ? ` by ${cleanText(d.by)}` : '';
  switch (d.reason) {
    case 'left': return d.here ? `You left ${where}` : `You left ${where} on another device`;
    case 'kicked':
    case 'banned': return `You were ${d.reason} from ${where}${by}${d.text ? ': ' + cleanText(d.text) : ''}`;
    case 'deleted': return `${label || 'A room you were in'} was deleted by its owner`;
    default: return `You are no longer in ${where}`;
  }
}

/** A refusal from the node in words for a person: the ones that would name a room by its id get their own. */
export function errorText(code, message) {
  switch (code) {
    case 'not_a_member': return 'You are no longer in that room';
    case 'no_such_room': return 'That room no longer exists';
    case 'invalid_emoji': return 'That is not an emoji, nor a :shortcode: Parley knows';
    default: return message || code;
  }
}

/** Why the node signed a session out (an `ended` item of GET /me/sessions). */
export function endedSessionText(s, limit) {
  if (s.reason === 'session_limit') {
    return `signed out: the account has ${typeof limit === 'number' ? limit : 'too many'} sessions, the limit`;
  }
  return 'signed out';
}
