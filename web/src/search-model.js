// Message search as the view shows it, pure: the filters of a query as chips, hits grouped by room, a hit's text cut
// to a snippet and split at its highlights, which rooms the index has not caught up with, and where the timeline
// reads to show a hit with the lines around it. No DOM, no network: the server parses and runs the query; what is
// parsed here is only for display.

/** Hits asked for per page. */
export const SEARCH_LIMIT = 20;
/** The server's limit on a query's length (`query_too_long`). */
export const MAX_QUERY = 256;
/** Lines read around a hit when the timeline jumps to it: half before, half after. */
export const AROUND = 50;

const FILTER = /^(-?)(from|in|has|is|before|after):(.*)$/i;

/**
 * The query's words and quoted phrases, each with where it is in the text: {text, start, end}. A quote left open
 * runs to the end (the server names that as invalid; the chips only need not to break on it).
 */
export function queryTokens(q) {
  const out = [];
  let i = 0;
  while (i < q.length) {
    while (i < q.length && /\s/.test(q[i])) i++;
    if (i >= q.length) break;
    const start = i;
    let quoted = false;
    while (i < q.length && (quoted || !/\s/.test(q[i]))) {
      if (q[i] === '"') quoted = !quoted;
      i++;
    }
    out.push({ text: q.slice(start, i), start, end: i });
  }
  return out;
}

/**
 * The filters of a query (`from:`, `in:`, `has:`, `is:`, `before:`, `after:`, negated with `-`) as chips:
 * {key, value, negated, label, start, end}. Only for display: the server decides what the query means.
 */
export function queryChips(q) {
  const chips = [];
  for (const t of queryTokens(q || '')) {
    const m = FILTER.exec(t.text);
    if (!m || !m[3]) continue;
    const key = m[2].toLowerCase();
    const value = m[3].replace(/^"(.*)"?$/, '$1').replace(/"$/, '');
    const negated = m[1] === '-';
    chips.push({ key, value, negated, label: `${negated ? 'not ' : ''}${key}: ${value}`, start: t.start, end: t.end });
  }
  return chips;
}

/** The query without one chip's token (and the blank before it). */
export function removeChip(q, chip) {
  const before = q.slice(0, chip.start).replace(/\s+$/, '');
  const after = q.slice(chip.end).replace(/^\s+/, '');
  return before && after ? before + ' ' + after : before + after;
}

/**
 * Hits grouped by room, rooms in the order of their first (newest, or best) hit, each room's hits in the server's
 * order: [{room: {id, name, kind}, hits: [...]}].
 */
export function groupHits(hits) {
  const groups = new Map();
  for (const hit of hits) {
    const id = hit.room.id;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { room: hit.room, hits: [] }));
    g.hits.push(hit);
  }
  return [...groups.values()];
}

/** The next page's hits after the ones shown (a hit the server gives twice is shown once). */
export function appendPage(shown, page) {
  const seen = new Set(shown.hits.map((x) => x.room.id + ':' + x.seq));
  const hits = shown.hits.slice();
  for (const x of page.hits || []) {
    const k = x.room.id + ':' + x.seq;
    if (!seen.has(k)) {
      seen.add(k);
      hits.push(x);
    }
  }
  return { hits, next: page.next || null, indexedThrough: { ...shown.indexedThrough, ...(page.indexedThrough || {}) } };
}

/**
 * Rooms whose newest seq the client knows is past what the index has: their newest lines may not be found yet.
 * `lastSeqOf(id)` is the client's lastSeq for the room (0 when it does not hold it).
 */
export function behindRooms(indexedThrough, lastSeqOf) {
  const out = new Set();
  for (const [id, seq] of Object.entries(indexedThrough || {})) {
    if (typeof seq === 'number' && lastSeqOf(id) > seq) out.add(id);
  }
  return out;
}

/**
 * What is not searched yet, room by room: [{id, count, sinceMs}], `count` entries past `indexedThrough` up to the
 * newest seq the client knows, `sinceMs` how long ago the oldest of them was written when the client holds it (else
 * null). `roomOf(id)` answers {lastSeq, sentAtOf(seq)} or null.
 */
export function behindDetails(indexedThrough, roomOf, now) {
  const out = [];
  for (const [id, seq] of Object.entries(indexedThrough || {})) {
    const r = typeof seq === 'number' ? roomOf(id) : null;
    if (!r || r.lastSeq <= seq) continue;
    const at = Date.parse(r.sentAtOf(seq + 1) || '');
    out.push({ id, count: r.lastSeq - seq, sinceMs: Number.isNaN(at) ? null : Math.max(0, now - at) });
  }
  return out;
}

/** "3 s", "2 min", "1 h". */
export function agoText(ms) {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h`;
}

/**
 * The line over the hits when the index is behind: "Not searched yet: the newest entry of #ops (the last 3 s); the 2
 * newest entries of #dev". `labelOf(id)` names a room.
 */
export function behindText(details, labelOf) {
  if (!details.length) return '';
  const parts = details.slice(0, 3).map((d) => `${d.count === 1 ? 'the newest entry' : `the ${d.count} newest entries`} of ${labelOf(d.id)}`
    + (d.sinceMs === null ? '' : ` (the last ${agoText(d.sinceMs)})`));
  const more = details.length > 3 ? `; and ${details.length - 3} more rooms` : '';
  return `Not searched yet: ${parts.join('; ')}${more}.`;
}

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/** An offset moved off the middle of a surrogate pair: down for a start, up for an end. */
function snap(text, i, up) {
  if (i > 0 && i < text.length && isLow(text.charCodeAt(i)) && isHigh(text.charCodeAt(i - 1))) return up ? i + 1 : i - 1;
  return i;
}

/** Highlights clamped to the text, sorted, overlapping ones merged, none splitting a character. */
export function normalizeHighlights(text, highlights) {
  const spans = [];
  for (const h of highlights || []) {
    if (!Array.isArray(h) || h.length < 2) continue;
    let [s, e] = h.map(Number);
    if (!Number.isFinite(s) || !Number.isFinite(e)) continue;
    s = snap(text, Math.max(0, Math.min(text.length, Math.floor(s))), false);
    e = snap(text, Math.max(0, Math.min(text.length, Math.ceil(e))), true);
    if (e > s) spans.push([s, e]);
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = [];
  for (const sp of spans) {
    const last = out[out.length - 1];
    if (last && sp[0] <= last[1]) last[1] = Math.max(last[1], sp[1]);
    else out.push(sp.slice());
  }
  return out;
}

/** The text in parts, each {text, hit}: hit parts are the highlights (UTF-16 offsets, as the server gives them). */
export function splitHighlights(text, highlights) {
  const t = typeof text === 'string' ? text : '';
  const parts = [];
  let at = 0;
  for (const [s, e] of normalizeHighlights(t, highlights)) {
    if (s > at) parts.push({ text: t.slice(at, s), hit: false });
    parts.push({ text: t.slice(s, e), hit: true });
    at = e;
  }
  if (at < t.length || parts.length === 0) parts.push({ text: t.slice(at), hit: false });
  return parts;
}

/**
 * A long text cut to about `max` UTF-16 units around its first highlight, with the highlights moved to match:
 * {text, highlights}. Cuts never split a character; a cut end is marked with an ellipsis.
 */
export function snippet(text, highlights, max = 240) {
  const t = typeof text === 'string' ? text : '';
  const spans = normalizeHighlights(t, highlights);
  if (t.length <= max) return { text: t, highlights: spans };
  const first = spans.length ? spans[0][0] : 0;
  let from = snap(t, Math.max(0, Math.min(first - Math.floor(max / 4), t.length - max)), false);
  let to = snap(t, Math.min(t.length, from + max), true);
  // Whole words at the cuts, when a blank is near.
  if (from > 0) {
    const b = t.indexOf(' ', from);
    if (b >= 0 && b < first && b - from < 20) from = b + 1;
  }
  if (to < t.length) {
    const b = t.lastIndexOf(' ', to);
    if (b > from && to - b < 20 && b >= (spans.length ? Math.min(spans[0][1], to) : from)) to = b;
  }
  const pre = from > 0 ? '…' : '';
  const post = to < t.length ? '…' : '';
  const shift = pre.length - from;
  const moved = [];
  for (const [s, e] of spans) {
    const ns = Math.max(s, from);
    const ne = Math.min(e, to);
    if (ne > ns) moved.push([ns + shift, ne + shift]);
  }
  return { text: pre + t.slice(from, to) + post, highlights: moved };
}

/**
 * The read that shows a hit with the lines around it: `GET .../messages?after=<seq-25>&limit=50` (after is at least
 * 0, the start of the room).
 */
export function aroundQuery(seq) {
  return { after: Math.max(0, seq - AROUND / 2), limit: AROUND };
}

/** "3 results", "20+ results" (more to load), "No messages match". */
export function countText(n, more) {
  if (n === 0) return 'No messages match';
  return `${n}${more ? '+' : ''} result${n === 1 && !more ? '' : 's'}`;
}
