// The search box, in the view: Ctrl+K or `/` opens it. While nothing is typed it lists the rooms (those with something
// new first); what is typed picks rooms by name and, a moment later, searches the messages of every room the user is
// in (`GET /search`): hits grouped by room with the matched words marked, more as the list is scrolled, the query's
// filters as chips, and a word when a room's index is behind what the client knows of it. Enter or a click opens the
// room, or jumps to the hit in its room with the lines around it (timeline.js). The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { cleanText, dayLabel, timeLabel } from './format.js';
import {
  queryChips, removeChip, groupHits, appendPage, behindDetails, behindText, splitHighlights, snippet, countText,
} from './search-model.js';

/**
 * Typing pauses this long before the query goes to the node; a query sent before is cancelled (the node counts each
 * user's searches: docs/protocol.md, Rate limits).
 */
const QUIET_MS = 300;
/** Rooms listed by name above the hits once something is typed. */
const ROOMS_WITH_HITS = 5;
/** Rooms listed while nothing is typed. */
const ROOMS_ALONE = 30;

export class SearchView {
  constructor(view) {
    this.v = view;
    this.c = view.c;
    this.s = view.s;
    this.index = 0;
    this.options = [];
    /** The hits shown: {q, order, hits, next, indexedThrough}, or null. */
    this.result = null;
    this.error = '';
    this.searching = false;
    this.loadingMore = false;
    this.order = null;
    this.asked = 0;
    this.timer = null;
    /** A query whose first hit opens when its hits come: Enter was pressed before they did. */
    this.openWhenReady = null;
    /** Cancels the query on its way, which a newer one replaces. */
    this.abort = null;
  }

  bind(on) {
    const input = $('switch-q');
    on($('search-btn'), 'click', () => this.open());
    on(input, 'input', () => {
      this.openWhenReady = null;
      this.index = 0;
      this.render();
      this.queue();
    });
    on(input, 'keydown', (ev) => {
      if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
      ev.preventDefault();
      if (this.options.length) this.select((this.index + (ev.key === 'ArrowDown' ? 1 : -1) + this.options.length) % this.options.length, true);
    });
    on($('switch-form'), 'submit', (ev) => {
      ev.preventDefault();
      // Enter before the hits of what was typed came: a room picked by name opens; otherwise the search goes now (if
      // it was waiting for typing to pause) and its first hit opens when it comes, never a hit of the query before.
      const opt = this.options[this.index];
      const q = input.value.trim();
      const ready = this.timer === null && !this.searching && this.result && this.result.q === q;
      if ((opt && !opt.dataset.seq) || ready || !q) {
        this.activate(opt);
        return;
      }
      this.openWhenReady = q;
      if (this.timer !== null || !this.searching) this.run();
    });
    on($('switch-list'), 'click', (ev) => {
      const opt = ev.target.closest('[role="option"]');
      if (opt) this.activate(opt);
    });
    on($('switch-list'), 'scroll', () => {
      const l = $('switch-list');
      if (l.scrollHeight - l.scrollTop - l.clientHeight < 120) this.more();
    }, { passive: true });
    on($('search-more'), 'click', () => this.more());
    on($('search-order'), 'click', () => {
      this.order = this.order ? null : 'relevance';
      $('search-order').setAttribute('aria-pressed', String(this.order !== null));
      this.run();
      input.focus();
    });
    on($('search-chips'), 'click', (ev) => {
      const b = ev.target.closest('button[data-chip]');
      if (!b) return;
      const chip = queryChips(input.value)[Number(b.dataset.chip)];
      if (chip) input.value = removeChip(input.value, chip);
      input.focus();
      this.index = 0;
      this.render();
      this.run();
    });
  }

  /** Opens the box with the last query and its hits (selected, so typing starts a new one). */
  open() {
    const dlg = $('dlg-switch');
    if (dlg.open) return;
    this.index = 0;
    this.render();
    dlg.showModal();
    $('switch-q').focus();
    $('switch-q').select();
    if ($('switch-q').value.trim() && !this.searching) this.run();
  }

  queue() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), QUIET_MS);
  }

  async run() {
    clearTimeout(this.timer);
    this.timer = null;
    const q = $('switch-q').value.trim();
    const ask = ++this.asked;
    if (!q) {
      this.result = null;
      this.error = '';
      this.searching = false;
      this.render();
      return;
    }
    this.searching = true;
    this.renderStatus();
    const order = this.order;
    if (this.abort) this.abort.abort();
    const abort = new AbortController();
    this.abort = abort;
    try {
      const page = await this.c.search(q, { order, signal: abort.signal });
      if (ask !== this.asked) return;
      this.result = { q, order, hits: page.hits || [], next: page.next || null, indexedThrough: page.indexedThrough || {},
        strangers: page.strangers || [] };
      this.error = '';
    } catch (e) {
      if (ask !== this.asked) return;
      if (e.code === 'rate_limited') {
        // Past the user's searches: this query again when the node says, unless another replaces it first.
        this.timer = setTimeout(() => this.run(), Math.max(e.retryAfterMs || 0, QUIET_MS));
        return;
      }
      // invalid_query, query_too_long, too_many_terms: the node's words name the part to change.
      this.result = null;
      this.error = e.message || String(e);
    } finally {
      if (this.abort === abort) this.abort = null;
    }
    this.searching = false;
    this.render();
    if (this.openWhenReady !== null) {
      const asked = this.openWhenReady;
      this.openWhenReady = null;
      const hit = this.options.find((o) => o.dataset.seq);
      if (this.result && this.result.q === asked && hit) this.activate(hit);
    }
  }

  /** The next page of hits (the list scrolled to its end, or More results). */
  async more() {
    const shown = this.result;
    if (!shown || !shown.next || this.loadingMore || this.searching) return;
    this.loadingMore = true;
    this.renderStatus();
    try {
      const page = await this.c.search(shown.q, { before: shown.next, order: shown.order });
      if (this.result === shown) this.result = { ...shown, ...appendPage(shown, page) };
    } catch (e) {
      // Past the user's searches: the next scroll asks again.
      if (this.result === shown && e.code !== 'rate_limited') this.error = e.message || String(e);
    } finally {
      this.loadingMore = false;
    }
    this.render();
  }

  activate(opt) {
    if (!opt) return;
    $('dlg-switch').close();
    const id = opt.dataset.room;
    if (!this.s.rooms.has(id)) {
      this.v.toast('You are no longer in that room');
      return;
    }
    this.v.openRoom(id, opt.dataset.seq ? { seq: Number(opt.dataset.seq) } : {});
  }

  /** Selects the i-th option; `reveal` scrolls it into view (the keys moved it, not a render). */
  select(i, reveal = false) {
    const prev = this.options[this.index];
    if (prev) prev.setAttribute('aria-selected', 'false');
    this.index = i;
    const el = this.options[i];
    if (!el) {
      $('switch-q').removeAttribute('aria-activedescendant');
      return;
    }
    el.setAttribute('aria-selected', 'true');
    $('switch-q').setAttribute('aria-activedescendant', el.id);
    if (reveal) el.scrollIntoView({ block: 'nearest' });
  }

  /** Logged out: the next user finds no query nor hits of this one. */
  clear() {
    clearTimeout(this.timer);
    this.timer = null;
    this.asked++;
    this.result = null;
    this.error = '';
    $('switch-q').value = '';
    fill($('switch-list'));
    fill($('search-chips'));
  }

  // ---- rendering ----------------------------------------------------------------------------------------------

  render() {
    const q = $('switch-q').value.trim();
    this.renderChips(q);
    this.options = [];
    const groups = [];
    const rooms = this.roomsNamed(q);
    if (rooms.length) groups.push(this.group('Rooms', null, rooms.map((r) => this.roomOption(r))));
    // While the next query is on its way the hits of the last one stay, rather than a list that blinks empty.
    const res = this.result && q && (this.result.q === q || this.timer !== null || this.searching) ? this.result : null;
    const late = res ? behindDetails(res.indexedThrough, (id) => this.roomFacts(id), Date.now()) : [];
    const behind = new Set(late.map((d) => d.id));
    if (res) {
      for (const g of groupHits(res.hits)) {
        groups.push(this.group(this.hitsHeading(g.room), behind.has(g.room.id), g.hits.map((x) => this.hitOption(x))));
      }
    }
    fill($('switch-list'), groups);
    $('search-more').hidden = !(res && res.next);
    $('search-behind').hidden = late.length === 0;
    $('search-behind').textContent = behindText(late, (id) => this.roomName(this.s.rooms.get(id) || { id, name: null, kind: null }));
    this.select(Math.min(this.index, Math.max(0, this.options.length - 1)));
    this.renderStatus();
  }

  renderStatus() {
    const q = $('switch-q').value.trim();
    const res = this.result && this.result.q === q ? this.result : null;
    let text = '';
    if (this.searching) text = 'Searching…';
    else if (this.loadingMore) text = 'Loading more…';
    else if (res && res.hits.length === 0) {
      // Why nothing: someone from: names is in none of the user's rooms; and the rooms listed by name are not hits.
      const strangers = (res.strangers || []).map((u) => `${cleanText(u)} is in none of your rooms`);
      const rooms = this.options.filter((o) => !o.dataset.seq).length;
      text = [countText(0, false), ...strangers].join(': ')
        + (rooms ? ` · ${rooms === 1 ? 'a room matches' : rooms + ' rooms match'} by name` : '');
    } else if (res) text = `${countText(res.hits.length, !!res.next)} · ${res.order ? 'most relevant first' : 'newest first'}`;
    else if (!q) text = 'Type words to search messages, or a room\'s name';
    if ($('search-status').textContent !== text) $('search-status').textContent = text;
    if ($('search-error').textContent !== this.error) $('search-error').textContent = this.error;
  }

  renderChips(q) {
    const chips = queryChips(q);
    const box = $('search-chips');
    box.hidden = chips.length === 0;
    fill(box, chips.map((c, i) => h('span', { class: 'search-chip' + (c.negated ? ' negated' : '') },
      h('span', { text: cleanText(c.label) }),
      h('button', { type: 'button', class: 'icon-btn', dataset: { chip: String(i) }, 'aria-label': `Remove the filter ${cleanText(c.label)}` }, '✕'))));
  }

  roomsNamed(q) {
    const lower = q.toLowerCase();
    const rooms = this.s.orderedRooms().filter((r) => this.s.displayName(r).toLowerCase().includes(lower) || r.id.includes(lower));
    // Rooms with something new come first when nothing is typed.
    if (!q) rooms.sort((a, b) => (b.mentions - a.mentions) || ((b.unread > 0) - (a.unread > 0)));
    return rooms.slice(0, q ? ROOMS_WITH_HITS : ROOMS_ALONE);
  }

  /** What the client knows of a room for the line on what is not searched yet. */
  roomFacts(id) {
    const r = this.s.rooms.get(id);
    if (!r) return null;
    return { lastSeq: r.lastSeq, sentAtOf: (seq) => (r.entries.has(seq) ? r.entries.get(seq).sentAt : null) };
  }

  /** A room as the list names it: "#general", "bob" (a DM), "bob, carol" (a group); never its id. */
  roomName(room) {
    const held = this.s.rooms.get(room.id);
    return cleanText(this.s.roomLabel(held && held.kind ? held : room) || (room.name ? '#' + room.name : 'a room'));
  }

  /** A group of hits is headed by where they are: "#general", "DM with bob", "Group: bob, carol". */
  hitsHeading(room) {
    const held = this.s.rooms.get(room.id);
    const kind = held && held.kind ? held.kind : room.kind;
    const name = this.roomName(room);
    return kind === 'dm' ? `DM with ${name}` : kind === 'group' ? `Group: ${name}` : name;
  }

  group(label, behind, options) {
    const id = 'switch-grp-' + this.options.length + '-' + options.length;
    return h('div', { role: 'group', class: 'search-group', 'aria-labelledby': id },
      h('div', { id, class: 'search-head' }, label, behind ? h('span', { class: 'muted small' }, ' · indexed up to a moment ago') : null),
      options);
  }

  option(props, ...children) {
    const i = this.options.length;
    const el = h('div', { role: 'option', id: 'switch-opt-' + i, 'aria-selected': 'false', ...props }, ...children);
    this.options.push(el);
    return el;
  }

  roomOption(r) {
    const sigil = r.kind === 'dm' ? '@' : r.kind === 'group' ? '& ' : '# ';
    return this.option({ class: 'search-room', dataset: { room: r.id } }, sigil + this.s.displayName(r),
      r.unread ? h('span', { class: 'badge', text: String(r.unread) }) : null);
  }

  hitOption(x) {
    const cut = snippet(cleanText(x.text || ''), x.highlights);
    const parts = splitHighlights(cut.text, cut.highlights).map((p) => (p.hit ? h('mark', { text: p.text }) : p.text));
    const at = new Date(x.sentAt);
    const when = Number.isNaN(at.getTime()) ? '' : `${dayLabel(at)} ${timeLabel(at)}`;
    return this.option({ class: 'search-hit', dataset: { room: x.room.id, seq: String(x.seq) } },
      h('div', { class: 'hit-head' }, h('span', { class: 'nick', text: cleanText(x.sender) }), ' ',
        h('time', { datetime: x.sentAt, class: 'muted small' }, when)),
      h('div', { class: 'hit-text', dir: 'auto' }, parts.length ? parts : ''));
  }
}
