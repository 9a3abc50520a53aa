// The main screen: sidebar, room header, timeline, composer, members, dialogs, keyboard. Reads the state model,
// asks the client to act. Every text from the network is set with textContent.

import { h, $, fill, reconcile } from './dom.js';
import {
  buildRows, typingText, titleFor, lastSeenText, mentionQuery, completeMention, excerpt, cleanText, timeLabel,
} from './format.js';
import { timelineRows, makeRow } from './timeline.js';

const QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '👀', '🙏', '😮', '😢', ':+1:', ':eyes:'];
const NEAR_BOTTOM = 48;

export class MainView {
  constructor(client, api, { onLogout }) {
    this.c = client;
    this.s = client.state;
    this.api = api;
    this.onLogout = onLogout;
    this.current = null;
    this.newLineAfter = null;
    this.placeNewLine = false;
    this.rowCache = new Map();
    this.stick = true;
    this.loadingOlder = false;
    this.mode = null; // {type: 'reply' | 'edit', seq}
    this.drafts = new Map();
    this.mention = null; // {items, index, start}
    this.scheduled = false;
    this.timers = [];
    this.browseNext = null;
    this.inboxNext = null;
    this.memberName = null;
    this.reactSeq = null;
    this.switchIndex = 0;
    this.unsub = null;
  }

  // ---- mounting -----------------------------------------------------------------------------------------------

  mount() {
    $('app').hidden = false;
    $('account-btn').textContent = this.s.me;
    $('account-name').textContent = this.s.me;
    this.unsub = this.c.on((type, d) => this.onEvent(type, d));
    this.bind();
    this.timers.push(setInterval(() => this.tick(), 1000));
    this.c.start();
    this.render();
  }

  unmount() {
    if (this.unsub) this.unsub();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const d of document.querySelectorAll('dialog[open]')) d.close();
    $('app').hidden = true;
    if (this.abort) this.abort.abort();
  }

  onEvent(type, d) {
    switch (type) {
      case 'state':
        if (d.hello && !this.current) this.pickInitialRoom();
        this.schedule();
        break;
      case 'entry':
        if (d.entry && d.entry.room === this.current && d.entry.sender !== this.s.me && d.entry.kind === 'message') {
          this.announce(`${d.entry.sender}: ${excerpt(d.entry.text, 140)}`);
        }
        this.schedule();
        break;
      case 'typing':
      case 'conn':
      case 'upload':
        this.schedule();
        break;
      case 'notification':
        this.notify(d);
        break;
      case 'removed':
        if (d.room === this.current) {
          const why = d.reason === 'kicked' || d.reason === 'banned'
            ? `You were ${d.reason} from the room${d.by ? ' by ' + d.by : ''}${d.text ? ': ' + cleanText(d.text) : ''}`
            : d.reason === 'deleted' ? 'The room was deleted by its owner' : null;
          if (why) this.toast(why);
          this.current = null;
          this.pickInitialRoom(true);
        } else if (d.reason === 'kicked' || d.reason === 'banned' || d.reason === 'deleted') {
          this.toast(d.reason === 'deleted' ? 'A room you were in was deleted' : `You were ${d.reason} from a room${d.by ? ' by ' + d.by : ''}`);
        }
        this.schedule();
        break;
      case 'error':
        if (d.item) this.toast(`Not sent: ${d.message || d.code}`);
        else if (d.code !== 'rate_limited') this.toast(d.message || d.code);
        break;
      case 'loggedOut':
        this.onLogout(d.reason);
        break;
      default:
        break;
    }
  }

  pickInitialRoom(force = false) {
    if (this.current && !force) return;
    const m = /^#room=(.+)$/.exec(location.hash);
    const wanted = m ? decodeURIComponent(m[1]) : localStorage.getItem('parley.room.' + this.s.me);
    const order = this.s.orderedRooms();
    const pick = (wanted && this.s.rooms.has(wanted) && !force) ? wanted : order.length ? order[0].id : null;
    if (pick) this.openRoom(pick, { focus: false });
    else this.showEmpty();
  }

  showEmpty() {
    this.current = null;
    this.c.setFocus(null);
    $('room-view').hidden = true;
    $('empty').hidden = false;
    this.schedule();
  }

  // ---- events -------------------------------------------------------------------------------------------------

  bind() {
    this.abort = new AbortController();
    const sig = { signal: this.abort.signal };
    const on = (el, ev, fn, opts) => el.addEventListener(ev, fn, { ...sig, ...(opts || {}) });

    on($('sidebar'), 'click', (ev) => {
      const b = ev.target.closest('button[data-room]');
      if (b) this.openRoom(b.dataset.room);
    });
    on($('nav-toggle'), 'click', () => this.toggleNav());
    on($('empty'), 'click', (ev) => {
      const b = ev.target.closest('button[data-open]');
      if (b) $(b.dataset.open).click();
    });
    on($('members-toggle'), 'click', () => {
      const app = $('app');
      const narrow = window.matchMedia('(max-width: 1000px)').matches;
      const cls = narrow ? 'members-open' : 'members-hidden';
      app.classList.toggle(cls);
      this.schedule();
    });

    const tl = $('timeline');
    on(tl, 'scroll', () => this.onScroll(), { passive: true });
    on(tl, 'click', (ev) => this.onTimelineClick(ev));
    on($('jump-newest'), 'click', () => this.jumpNewest());
    on($('jump-unread'), 'click', () => this.jumpUnread());

    const input = $('composer-input');
    on(input, 'input', () => this.onInput());
    on(input, 'keydown', (ev) => this.onComposerKey(ev));
    on(input, 'blur', () => setTimeout(() => this.closeMention(), 150));
    on($('composer'), 'submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    on($('compose-bar-cancel'), 'click', () => this.setMode(null));
    on($('attach-btn'), 'click', () => $('file-input').click());
    on($('file-input'), 'change', (ev) => {
      for (const f of ev.target.files) this.c.upload(this.current, f);
      ev.target.value = '';
    });
    on(input, 'paste', (ev) => {
      const files = ev.clipboardData && ev.clipboardData.files;
      if (files && files.length && this.current) {
        ev.preventDefault();
        for (const f of files) this.c.upload(this.current, f);
      }
    });
    const room = $('room');
    let depth = 0;
    on(room, 'dragenter', (ev) => {
      if (!this.current || !hasFiles(ev)) return;
      depth++;
      $('drop-zone').hidden = false;
    });
    on(room, 'dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) $('drop-zone').hidden = true;
    });
    on(room, 'dragover', (ev) => {
      if (hasFiles(ev)) ev.preventDefault();
    });
    on(room, 'drop', (ev) => {
      depth = 0;
      $('drop-zone').hidden = true;
      if (!this.current || !ev.dataTransfer || !ev.dataTransfer.files.length) return;
      ev.preventDefault();
      for (const f of ev.dataTransfer.files) this.c.upload(this.current, f);
    });
    on($('uploads'), 'click', (ev) => {
      const b = ev.target.closest('button[data-upload]');
      if (b) this.c.cancelUpload(b.dataset.upload);
    });

    on(document, 'keydown', (ev) => this.onGlobalKey(ev));
    on(document, 'visibilitychange', () => this.onVisibility());
    on(window, 'focus', () => this.maybeMarkRead());
    on(window, 'online', () => this.c.reconnectNow());
    on(window, 'hashchange', () => {
      const m = /^#room=(.+)$/.exec(location.hash);
      if (m && this.s.rooms.has(decodeURIComponent(m[1]))) this.openRoom(decodeURIComponent(m[1]));
    });

    for (const b of document.querySelectorAll('dialog [data-close]')) on(b, 'click', () => b.closest('dialog').close());
    this.bindDialogs(on);
  }

  toggleNav(open) {
    const app = $('app');
    const now = open === undefined ? !app.classList.contains('nav-open') : open;
    app.classList.toggle('nav-open', now);
    $('nav-toggle').setAttribute('aria-expanded', String(now));
    if (now) {
      const b = $('sidebar').querySelector('[aria-current="page"]') || $('sidebar').querySelector('button');
      if (b) b.focus();
    }
  }

  onVisibility() {
    if (document.visibilityState === 'visible') {
      this.c.setFocus(this.current);
      this.maybeMarkRead();
      this.c.reconnectNow();
    } else {
      // Out of view: the server may notify us of the room we had open.
      this.c.setFocus(null);
    }
  }

  onGlobalKey(ev) {
    const dialogOpen = document.querySelector('dialog[open]');
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === 'k') {
      ev.preventDefault();
      if (!dialogOpen) this.openSwitcher();
      return;
    }
    if (dialogOpen) return;
    if (ev.altKey && (ev.key === 'ArrowUp' || ev.key === 'ArrowDown')) {
      ev.preventDefault();
      this.moveRoom(ev.key === 'ArrowUp' ? -1 : 1);
      return;
    }
    if (ev.key === 'Escape') {
      if ($('app').classList.contains('nav-open')) {
        this.toggleNav(false);
        return;
      }
      if ($('app').classList.contains('members-open')) {
        // The overlay at narrow widths covers its own toggle: Esc closes it.
        $('app').classList.remove('members-open');
        this.schedule();
        $('members-toggle').focus();
        return;
      }
      this.markAllRead();
    }
  }

  moveRoom(delta) {
    const order = this.s.orderedRooms();
    if (!order.length) return;
    let i = order.findIndex((r) => r.id === this.current);
    i = i < 0 ? 0 : (i + delta + order.length) % order.length;
    this.openRoom(order[i].id);
  }

  // ---- rooms --------------------------------------------------------------------------------------------------

  openRoom(id, { focus = true, seq = null } = {}) {
    const r = this.s.rooms.get(id);
    if (!r) return;
    const input = $('composer-input');
    if (this.current && this.current !== id) {
      this.drafts.set(this.current, input.value);
      this.c.inputChanged(this.current, '');
    }
    const same = this.current === id;
    this.current = id;
    if (!same) {
      this.rowCache.clear();
      $('timeline').replaceChildren();
      this.newLineAfter = this.s.newLineAfter(id);
      this.placeNewLine = this.newLineAfter !== null;
      this.stick = !this.placeNewLine;
      this.setMode(null);
      input.value = this.drafts.get(id) || '';
      this.autosize();
      this.closeMention();
      try {
        history.replaceState(null, '', '#room=' + encodeURIComponent(id));
        localStorage.setItem('parley.room.' + this.s.me, id);
      } catch {
        // not essential
      }
    }
    $('empty').hidden = true;
    $('room-view').hidden = false;
    this.toggleNav(false);
    const wasHeld = r.cursor !== null;
    this.c.open(id).then(async () => {
      if (this.current !== id) return;
      if (!wasHeld && this.newLineAfter === null) {
        this.newLineAfter = this.s.newLineAfter(id);
        this.placeNewLine = this.newLineAfter !== null;
        this.stick = !this.placeNewLine;
      }
      const room = this.s.rooms.get(id);
      if (room && this.newLineAfter !== null && room.runStart > this.newLineAfter + 1
        && room.lastSeq - this.newLineAfter <= 400) {
        await this.c.ensureLoaded(id, this.newLineAfter);
      }
      if (seq !== null) await this.scrollToSeq(seq);
      this.schedule();
    });
    if (seq !== null && same) this.scrollToSeq(seq);
    this.render();
    if (focus && !window.matchMedia('(pointer: coarse)').matches) input.focus();
  }

  async scrollToSeq(seq) {
    await this.c.ensureLoaded(this.current, seq);
    this.render();
    const el = $('timeline').querySelector(`[data-seq="${Number(seq)}"]`);
    if (el) {
      this.stick = false;
      el.scrollIntoView({ block: 'center' });
      el.classList.add('flash');
      setTimeout(() => el.classList.remove('flash'), 1600);
      el.focus({ preventScroll: true });
    }
  }

  // ---- rendering ----------------------------------------------------------------------------------------------

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.render();
    };
    if (document.visibilityState === 'visible') requestAnimationFrame(run);
    else setTimeout(run, 50);
  }

  render() {
    this.renderSidebar();
    this.renderTop();
    if (this.current && this.s.rooms.has(this.current)) {
      this.renderHeader();
      this.renderTimeline();
      this.renderTyping();
      this.renderUploads();
      this.renderMembers();
    } else if (this.current) {
      this.showEmpty();
    } else {
      fill($('member-list'));
    }
    document.title = titleFor(this.s.totalUnread());
  }

  renderTop() {
    const c = this.c.conn;
    const el = $('conn');
    let text;
    if (c.state === 'online') text = '● online' + (c.lag !== null && c.lag !== undefined ? ` · lag ${c.lag} ms` : '');
    else if (c.state === 'connecting') text = 'connecting…';
    else if (c.state === 'offline') {
      const secs = c.retryAt ? Math.max(0, Math.ceil((c.retryAt - Date.now()) / 1000)) : 0;
      text = `○ offline: reconnecting, retry in ${secs} s (attempt ${c.attempt})`;
    } else text = c.state;
    const unsent = this.s.outbox.size;
    if (unsent) text += ` · ${unsent} unsent`;
    if (el.textContent !== text) el.textContent = text;
    el.dataset.state = c.state;
    const n = this.s.notifications;
    const badge = $('inbox-count');
    badge.hidden = n <= 0;
    badge.textContent = String(n);
    $('inbox-unread').hidden = n <= 0;
  }

  renderSidebar() {
    const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.room : null;
    const rooms = [];
    const dms = [];
    for (const r of this.s.orderedRooms()) (r.isDirect ? dms : rooms).push(this.roomItem(r));
    const roomList = $('room-list');
    const dmList = $('dm-list');
    fill(roomList, rooms.length ? rooms : [h('li', { class: 'muted empty-item' }, 'No rooms yet')]);
    fill(dmList, dms.length ? dms : [h('li', { class: 'muted empty-item' }, 'No direct messages yet')]);
    if (active) {
      const b = $('sidebar').querySelector(`button[data-room="${CSS.escape(active)}"]`);
      if (b) b.focus({ preventScroll: true });
    }
  }

  roomItem(r) {
    const name = this.s.displayName(r);
    const cur = r.id === this.current;
    // The button is named by its content (no aria-label, whose words would have to contain the visible ones in
    // order): the room's name, then what the dot and the badges mean, spelled out in visually hidden text.
    const sr = (text) => h('span', { class: 'sr-only', text });
    const parts = [];
    if (r.kind === 'dm') {
      const p = this.s.presenceOf(this.s.dmPeer(r));
      parts.push(h('span', { class: p.online ? 'dot online' : 'dot', 'aria-hidden': 'true' }));
    } else {
      parts.push(h('span', { class: 'sigil', 'aria-hidden': 'true', text: r.kind === 'group' ? '&' : '#' }));
    }
    parts.push(h('span', { class: 'room-name', text: r.unavailable && !r.name ? r.id : name }));
    if (r.kind === 'dm') parts.push(sr(this.s.presenceOf(this.s.dmPeer(r)).online ? ', online' : ', offline'));
    if (r.unavailable) parts.push(h('span', { class: 'muted small' }, sr(', '), 'unavailable'));
    if (r.mentions > 0) {
      parts.push(h('span', { class: 'badge mention', dataset: { mentions: String(r.mentions) }, 'aria-hidden': 'true', text: '@' + r.mentions }));
      parts.push(sr(`, ${r.mentions} mention${r.mentions > 1 ? 's' : ''}`));
    }
    if (r.unread > 0) {
      parts.push(h('span', { class: 'badge', dataset: { unread: String(r.unread) }, 'aria-hidden': 'true', text: String(r.unread) }));
      parts.push(sr(`, ${r.unread} unread`));
    }
    const cls = ['room-item'];
    if (r.unread > 0) cls.push('has-unread');
    if (r.mentions > 0 || (r.isDirect && r.unread > 0)) cls.push('pressing');
    return h('li', null, h('button', {
      type: 'button', class: cls.join(' '), dataset: { room: r.id }, 'aria-current': cur ? 'page' : null,
    }, parts));
  }

  renderHeader() {
    const r = this.s.rooms.get(this.current);
    const name = this.s.displayName(r);
    const title = $('room-title');
    const t = (r.kind === 'dm' ? '@' : r.kind === 'group' ? '& ' : '# ') + name;
    if (title.textContent !== t) title.textContent = t;
    let topic = r.topic ? cleanText(r.topic) : '';
    if (r.kind === 'dm') topic = lastSeenText(this.s.presenceOf(this.s.dmPeer(r)));
    $('room-topic').textContent = topic;
    const n = r.members ? r.members.size : null;
    const online = r.members ? [...r.members.keys()].filter((u) => this.s.presenceOf(u).online).length : 0;
    const toggle = $('members-toggle');
    if (n === null) fill(toggle, 'Members');
    else fill(toggle, `${n} member${n === 1 ? '' : 's'}`, h('span', { class: 'wide-only', text: ` · ${online} online` }));
    const app = $('app');
    // Wide, the panel is shown unless hidden; narrow, it is an overlay shown only when opened.
    const shown = window.matchMedia('(max-width: 1000px)').matches ? app.classList.contains('members-open')
      : !app.classList.contains('members-hidden');
    $('members-toggle').setAttribute('aria-expanded', String(shown));
    $('composer-label').textContent = `Message ${t}`;
    $('composer-input').placeholder = excerpt(`Message ${t}`, 32);
  }

  renderTimeline() {
    const r = this.s.rooms.get(this.current);
    const tl = $('timeline');
    const now = new Date();
    const rows = timelineRows(this.s, r, buildRows(r.visibleEntries(), { newLineAfter: this.newLineAfter, runStart: r.runStart }), {
      loadingOlder: this.loadingOlder, canModerate: this.canModerate(), today: now.toDateString(),
    });
    let anchorKey = null;
    let anchorOff = 0;
    if (!this.stick) {
      const top = tl.scrollTop;
      for (const el of tl.children) {
        if (el.offsetTop + el.offsetHeight > top) {
          anchorKey = el.dataset.key;
          anchorOff = el.offsetTop - top;
          break;
        }
      }
    }
    const ctx = {
      state: this.s, now, roomName: this.s.displayName(r), fileUrl: (id) => this.api.fileUrl(id),
      onMediaLoad: () => { if (this.stick) tl.scrollTop = tl.scrollHeight; },
    };
    reconcile(tl, rows, (row) => makeRow(row, ctx), this.rowCache);
    if (this.placeNewLine) {
      const line = $('new-line');
      if (line) {
        this.placeNewLine = false;
        tl.scrollTop = Math.max(0, line.offsetTop - 24);
        this.stick = this.atBottom();
      } else if (r.cursor !== null && !this.c.loading.size) {
        this.placeNewLine = false;
        this.stick = true;
      }
    }
    if (this.stick) tl.scrollTop = tl.scrollHeight;
    else if (anchorKey !== null) {
      const a = this.rowCache.get(anchorKey);
      if (a) tl.scrollTop = a.el.offsetTop - anchorOff;
    }
    this.updateJumps();
    // Not enough to scroll yet: fetch older until the view is full or the room's start is reached.
    if (r.cursor !== null && r.hasMoreBefore() && tl.scrollHeight <= tl.clientHeight + 50) this.loadOlder();
    this.maybeMarkRead();
  }

  updateJumps() {
    const tl = $('timeline');
    $('jump-newest').hidden = this.atBottom();
    let showUnread = false;
    if (this.newLineAfter !== null) {
      const line = $('new-line');
      showUnread = !line || line.offsetTop < tl.scrollTop;
    }
    $('jump-unread').hidden = !showUnread;
  }

  renderTyping() {
    const names = this.s.typers(this.current, Date.now());
    const text = typingText(names);
    const el = $('typing');
    if (el.textContent !== text) el.textContent = text;
  }

  renderUploads() {
    const ups = [...this.c.uploads.values()].filter((u) => u.room === this.current);
    const el = $('uploads');
    fill(el, ups.map((u) => {
      const pct = u.size ? Math.floor((u.sent / u.size) * 100) : 0;
      const label = u.state === 'failed' ? `not shared: ${u.error}` : u.state === 'waiting' ? 'waiting to retry…' : `${pct}%`;
      return h('div', { class: 'upload', dataset: { upload: u.id, state: u.state } },
        h('span', { class: 'upload-name', text: cleanText(u.name) }),
        h('progress', { max: String(u.size || 1), value: String(u.sent), 'aria-label': `Uploading ${cleanText(u.name)}` }),
        h('span', { class: 'muted', text: label }),
        h('button', { type: 'button', class: 'icon-btn', dataset: { upload: u.id }, 'aria-label': u.state === 'uploading' ? 'Cancel upload' : 'Dismiss' }, '✕'));
    }));
  }

  renderMembers() {
    const r = this.s.rooms.get(this.current);
    const list = $('member-list');
    if (!r.members) {
      fill(list, h('li', { class: 'muted' }, r.passcode ? 'Members are shown to members' : 'Loading…'));
      return;
    }
    const members = [...r.members.values()].map((m) => ({ ...m, p: this.s.presenceOf(m.username) }));
    members.sort((a, b) => (b.p.online - a.p.online) || a.username.localeCompare(b.username));
    const now = Date.now();
    fill(list, members.map((m) => {
      const role = r.isDirect ? '' : (r.owner === m.username ? 'owner' : m.role === 'admin' ? 'admin' : '');
      return h('li', null, h('button', {
        type: 'button', class: 'member', dataset: { member: m.username },
        'aria-label': `${m.username}${role ? ', ' + role : ''}, ${lastSeenText(m.p, now)}`,
        onclick: () => this.openMember(m.username),
      },
      // Spaces between the parts (a flex row does not show them), so the visible words read as the name does.
      h('span', { class: m.p.online ? 'dot online' : 'dot', 'aria-hidden': 'true' }),
      h('span', { class: 'member-name', text: m.username + (m.username === this.s.me ? ' (you)' : '') }),
      role ? [' ', h('span', { class: 'role', text: role })] : null,
      m.p.online ? null : [' ', h('span', { class: 'muted small last-seen', text: lastSeenText(m.p, now) })]));
    }));
  }

  tick() {
    if (this.current && this.s.rooms.has(this.current)) {
      const r = this.s.rooms.get(this.current);
      if (r.typing.size) this.renderTyping();
    }
    if (this.c.conn.state === 'offline') this.renderTop();
  }

  // ---- scrolling and reading ----------------------------------------------------------------------------------

  atBottom() {
    const tl = $('timeline');
    return tl.scrollHeight - tl.scrollTop - tl.clientHeight <= NEAR_BOTTOM;
  }

  onScroll() {
    const tl = $('timeline');
    this.stick = this.atBottom();
    if (tl.scrollTop < 400) this.loadOlder();
    this.updateJumps();
    this.maybeMarkRead();
  }

  loadOlder() {
    const r = this.s.rooms.get(this.current);
    if (!r || this.loadingOlder || !r.hasMoreBefore()) return;
    this.loadingOlder = true;
    const id = this.current;
    this.c.loadOlder(id).finally(() => {
      this.loadingOlder = false;
      if (this.current === id) this.schedule();
    });
  }

  maybeMarkRead() {
    if (!this.current || document.visibilityState !== 'visible' || !document.hasFocus()) return;
    if (!this.atBottom()) return;
    this.c.markRead(this.current);
  }

  markAllRead() {
    if (!this.current) return;
    this.newLineAfter = null;
    this.stick = true;
    this.c.markRead(this.current);
    this.render();
  }

  jumpNewest() {
    this.stick = true;
    this.render();
    $('composer-input').focus();
  }

  async jumpUnread() {
    if (this.newLineAfter === null) return;
    await this.c.ensureLoaded(this.current, this.newLineAfter);
    this.render();
    const line = $('new-line');
    if (line) {
      this.stick = false;
      $('timeline').scrollTop = Math.max(0, line.offsetTop - 24);
      this.updateJumps();
    }
  }

  // ---- timeline actions ---------------------------------------------------------------------------------------

  onTimelineClick(ev) {
    const b = ev.target.closest('[data-act]');
    const art = ev.target.closest('article');
    if (!b) {
      if (art && window.matchMedia('(hover: none)').matches) art.classList.toggle('show-actions');
      return;
    }
    const seq = art && art.dataset.seq ? Number(art.dataset.seq) : null;
    switch (b.dataset.act) {
      case 'reply': this.setMode({ type: 'reply', seq }); break;
      case 'edit': this.startEdit(seq); break;
      case 'delete':
        if (confirm('Delete this message for everyone?')) this.c.remove(this.current, seq);
        break;
      case 'react': this.openReact(seq); break;
      case 'chip': this.c.react(this.current, seq, b.dataset.emoji); break;
      case 'jump': this.scrollToSeq(Number(b.dataset.target)); break;
      case 'retry': this.c.retry(art.dataset.clientMsgId); break;
      case 'discard': this.c.discard(art.dataset.clientMsgId); break;
      default: break;
    }
  }

  canModerate() {
    const role = this.s.myRole(this.current);
    return role === 'owner' || role === 'admin';
  }

  // ---- composer -----------------------------------------------------------------------------------------------

  setMode(mode) {
    this.mode = mode;
    const bar = $('compose-bar');
    if (!mode) {
      bar.hidden = true;
      return;
    }
    const r = this.s.rooms.get(this.current);
    const e = r && r.entries.get(mode.seq);
    bar.hidden = false;
    $('compose-bar-text').textContent = mode.type === 'edit' ? 'Editing your message · Esc to cancel'
      : `Replying to ${e ? e.sender + ': ' + excerpt(e.text, 60) : '#' + mode.seq} · Esc to cancel`;
    $('composer-input').focus();
  }

  startEdit(seq) {
    const r = this.s.rooms.get(this.current);
    const e = seq !== null ? r.entries.get(seq) : this.s.lastOwnMessage(this.current);
    if (!e || e.sender !== this.s.me || e.deleted || e.kind !== 'message') return false;
    this.setMode({ type: 'edit', seq: e.seq });
    const input = $('composer-input');
    input.value = e.text;
    this.autosize();
    input.setSelectionRange(input.value.length, input.value.length);
    return true;
  }

  autosize() {
    const input = $('composer-input');
    input.style.height = '';
    // Hidden (no layout yet) or one line: leave it to the stylesheet.
    if (!input.value || input.scrollHeight <= input.clientHeight) return;
    input.style.height = Math.min(input.scrollHeight + 2, 240) + 'px';
  }

  onInput() {
    const input = $('composer-input');
    this.autosize();
    if (this.current && (!this.mode || this.mode.type !== 'edit')) this.c.inputChanged(this.current, input.value);
    this.updateMention();
  }

  onComposerKey(ev) {
    if (ev.isComposing) return;
    const input = $('composer-input');
    if (this.mention) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const n = this.mention.items.length;
        this.mention.index = (this.mention.index + (ev.key === 'ArrowDown' ? 1 : -1) + n) % n;
        this.renderMention();
        return;
      }
      if (ev.key === 'Enter' || ev.key === 'Tab') {
        ev.preventDefault();
        this.chooseMention(this.mention.index);
        return;
      }
      if (ev.key === 'Escape') {
        ev.preventDefault();
        ev.stopPropagation();
        this.closeMention();
        return;
      }
    }
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      this.submit();
    } else if (ev.key === 'ArrowUp' && !ev.altKey && input.value === '' && !this.mode) {
      if (this.startEdit(null)) ev.preventDefault();
    } else if (ev.key === 'Escape') {
      if (this.mode) {
        ev.preventDefault();
        ev.stopPropagation();
        if (this.mode.type === 'edit') {
          input.value = '';
          this.autosize();
        }
        this.setMode(null);
      }
    }
  }

  updateMention() {
    const input = $('composer-input');
    const q = mentionQuery(input.value, input.selectionStart);
    if (!q || !this.current) return this.closeMention();
    const items = this.s.mentionCandidates(this.current, q.prefix);
    if (!items.length) return this.closeMention();
    this.mention = { items, index: 0, start: q.start };
    this.renderMention();
  }

  renderMention() {
    const list = $('mention-list');
    const input = $('composer-input');
    fill(list, this.mention.items.map((name, i) => h('li', {
      id: 'mention-opt-' + i, role: 'option', 'aria-selected': i === this.mention.index ? 'true' : 'false',
      onmousedown: (ev) => {
        ev.preventDefault();
        this.chooseMention(i);
      },
    }, '@' + name)));
    list.hidden = false;
    // No aria-expanded: a textarea (role textbox) may not have it; the active option is enough to follow.
    input.setAttribute('aria-activedescendant', 'mention-opt-' + this.mention.index);
  }

  chooseMention(i) {
    const input = $('composer-input');
    const name = this.mention.items[i];
    const r = completeMention(input.value, this.mention.start, input.selectionStart, name);
    input.value = r.text;
    input.setSelectionRange(r.caret, r.caret);
    this.closeMention();
    input.focus();
  }

  closeMention() {
    this.mention = null;
    $('mention-list').hidden = true;
    $('composer-input').removeAttribute('aria-activedescendant');
  }

  submit() {
    const input = $('composer-input');
    const text = input.value;
    if (!this.current || !text.trim()) return;
    const room = this.current;
    const mode = this.mode;
    if (mode && mode.type === 'edit') {
      const e = this.s.rooms.get(room).entries.get(mode.seq);
      if (e && e.text !== text) this.c.edit(room, mode.seq, text);
    } else if (text.startsWith('/') && !text.startsWith('//') && !text.startsWith('/me ')) {
      if (!this.command(text)) return;
    } else {
      const body = text.startsWith('//') ? text.slice(1) : text;
      this.c.send(room, body, mode && mode.type === 'reply' ? mode.seq : undefined);
      this.newLineAfter = null;
      this.stick = true;
    }
    // Tell the room we stopped typing (the send ends it on the server too).
    this.c.inputChanged(room, '');
    input.value = '';
    this.autosize();
    this.setMode(null);
    this.closeMention();
    this.render();
  }

  command(text) {
    const [cmd, ...rest] = text.trim().split(/\s+/);
    const arg = rest.join(' ');
    const fail = (e) => this.toast(e.message || String(e));
    switch (cmd) {
      case '/join':
        if (!rest[0]) return this.toast('Usage: /join room-id [passcode]'), false;
        this.c.join(rest[0], rest.slice(1).join(' ') || undefined).then((r) => this.openRoom(r.id), fail);
        return true;
      case '/leave':
        this.leaveCurrent();
        return true;
      case '/dm':
      case '/msg':
      case '/query':
        if (!rest[0]) return this.toast('Usage: /dm username'), false;
        this.c.openDm(rest[0]).then((r) => {
          this.openRoom(r.id);
          if (cmd === '/msg' && rest.length > 1) this.c.send(r.id, rest.slice(1).join(' '));
        }, fail);
        return true;
      case '/topic':
        this.api.updateRoom(this.current, { topic: arg }).then((r) => this.s.applyRoomDetails(r), fail);
        return true;
      case '/help':
        this.toast('Enter sends · Shift+Enter new line · Up edits your last message · Alt+↑/↓ rooms · Ctrl+K jump · Esc marks read · /me, /join, /leave, /dm, /topic · // sends a line starting with /');
        return true;
      default:
        this.toast(`Unknown command ${cmd}: start the line with // to send it as text`);
        return false;
    }
  }

  leaveCurrent() {
    const id = this.current;
    if (!id) return;
    this.c.leave(id).then(() => this.toast('You left the room'), (e) => {
      this.toast(e.code === 'owner_must_transfer' ? 'Hand the room over to someone first (Members → a member → Hand the room over), or delete it' : e.message);
    });
  }

  // ---- notifications ------------------------------------------------------------------------------------------

  notify(f) {
    const r = this.s.rooms.get(f.room);
    const where = r ? this.s.displayName(r) : 'a room';
    const title = f.kind === 'mention' ? `${f.sender} mentioned you in ${r && !r.isDirect ? '#' : ''}${where}` : `${f.sender} wrote to you`;
    const body = excerpt(f.excerpt, 140);
    this.announce(`${title}: ${body}`);
    this.toast(`${title}: ${body}`, () => this.openRoom(f.room, { seq: f.seq }), 'notification');
    if ('Notification' in window && Notification.permission === 'granted'
      && (document.visibilityState !== 'visible' || !document.hasFocus() || this.current !== f.room)) {
      try {
        const n = new Notification(title, { body, tag: f.room });
        n.onclick = () => {
          window.focus();
          this.openRoom(f.room, { seq: f.seq });
          n.close();
        };
      } catch {
        // some browsers only allow notifications from a service worker
      }
    }
    this.schedule();
  }

  announce(text) {
    $('live').textContent = text;
  }

  toast(text, onClick, kind = 'info') {
    const box = $('toasts');
    const t = h(onClick ? 'button' : 'div', { class: 'toast ' + kind, type: onClick ? 'button' : null, text });
    if (onClick) t.addEventListener('click', () => {
      t.remove();
      onClick();
    });
    box.append(t);
    while (box.children.length > 4) box.firstChild.remove();
    setTimeout(() => t.remove(), onClick ? 10000 : 6000);
  }

  // ---- dialogs ------------------------------------------------------------------------------------------------

  bindDialogs(on) {
    const errorOf = (dlg) => dlg.querySelector('.error');
    const guard = (dlg, fn) => async (ev) => {
      if (ev) ev.preventDefault();
      const err = errorOf(dlg);
      if (err) err.textContent = '';
      try {
        await fn(ev);
      } catch (e) {
        if (err) err.textContent = e.message || String(e);
        else this.toast(e.message || String(e));
      }
    };

    // New room
    on($('new-room-btn'), 'click', () => {
      $('create-form').reset();
      errorOf($('dlg-create')).textContent = '';
      $('dlg-create').showModal();
    });
    on($('create-form'), 'submit', guard($('dlg-create'), async () => {
      const cap = $('create-capacity').value ? Number($('create-capacity').value) : undefined;
      const r = await this.c.createRoom($('create-name').value.trim(), $('create-passcode').value || undefined, cap);
      $('dlg-create').close();
      this.openRoom(r.id);
    }));

    // Browse
    on($('browse-btn'), 'click', () => {
      errorOf($('dlg-browse')).textContent = '';
      $('dlg-browse').showModal();
      this.loadBrowse(false);
    });
    let qTimer = null;
    on($('browse-q'), 'input', () => {
      clearTimeout(qTimer);
      qTimer = setTimeout(() => this.loadBrowse(false), 250);
    });
    on($('browse-form'), 'submit', (ev) => ev.preventDefault());
    on($('browse-more'), 'click', () => this.loadBrowse(true));
    on($('browse-list'), 'click', guard($('dlg-browse'), async (ev) => {
      const b = ev && ev.target.closest && ev.target.closest('button[data-join]');
      if (!b) return;
      if (this.s.rooms.has(b.dataset.join)) {
        $('dlg-browse').close();
        this.openRoom(b.dataset.join);
        return;
      }
      if (b.dataset.passcode === 'true') {
        $('join-id').value = b.dataset.join;
        $('join-passcode').focus();
        errorOf($('dlg-browse')).textContent = 'This room needs a passcode: type it below and press Join';
        return;
      }
      const r = await this.c.join(b.dataset.join);
      $('dlg-browse').close();
      this.openRoom(r.id);
    }));
    on($('join-btn'), 'click', guard($('dlg-browse'), async () => {
      const id = $('join-id').value.trim();
      if (!id) throw new Error('Type a room id');
      const r = await this.c.join(id, $('join-passcode').value || undefined);
      $('dlg-browse').close();
      $('join-passcode').value = '';
      this.openRoom(r.id);
    }));

    // DM
    on($('new-dm-btn'), 'click', () => {
      $('dm-form').reset();
      errorOf($('dlg-dm')).textContent = '';
      $('dlg-dm').showModal();
    });
    on($('dm-form'), 'submit', guard($('dlg-dm'), async () => {
      const names = $('dm-users').value.split(/[\s,]+/).map((n) => n.trim().toLowerCase()).filter((n) => n && n !== this.s.me);
      if (!names.length) throw new Error('Type a username');
      const r = names.length === 1 ? await this.c.openDm(names[0]) : await this.c.openGroup([...new Set(names)]);
      $('dlg-dm').close();
      this.openRoom(r.id);
    }));

    // Switcher
    on($('switch-q'), 'input', () => {
      this.switchIndex = 0;
      this.renderSwitcher();
    });
    on($('switch-q'), 'keydown', (ev) => {
      const items = $('switch-list').children;
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        if (!items.length) return;
        this.switchIndex = (this.switchIndex + (ev.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
        this.renderSwitcher();
      }
    });
    on($('switch-form'), 'submit', (ev) => {
      ev.preventDefault();
      const li = $('switch-list').children[this.switchIndex];
      $('dlg-switch').close();
      if (li) this.openRoom(li.dataset.room);
    });
    on($('switch-list'), 'click', (ev) => {
      const li = ev.target.closest('li[data-room]');
      if (!li) return;
      $('dlg-switch').close();
      this.openRoom(li.dataset.room);
    });

    // Account
    on($('account-btn'), 'click', () => this.openAccount());
    on($('logout-btn'), 'click', async () => {
      try {
        await this.api.logout();
      } catch {
        // gone already
      }
      // A deliberate logout leaves nothing of the user's behind on this device (a shared computer).
      for (const k of ['parley.outbox.', 'parley.room.']) localStorage.removeItem(k + this.s.me);
      this.onLogout('You logged out');
    });
    on($('notify-btn'), 'click', async () => {
      if (!('Notification' in window)) return this.toast('This browser has no desktop notifications');
      const p = await Notification.requestPermission();
      this.updateNotifyBtn();
      if (p === 'granted') this.toast('Desktop notifications are on for mentions and direct messages');
    });
    on($('receipts-toggle'), 'change', async (ev) => {
      try {
        await this.api.setSettings({ readReceipts: ev.target.checked });
      } catch (e) {
        ev.target.checked = !ev.target.checked;
        this.toast(e.message);
      }
    });
    on($('password-form'), 'submit', guard($('password-form'), async () => {
      const err = $('password-form').querySelector('.error');
      if ($('pw-new').value !== $('pw-new2').value) throw new Error('The new passwords differ');
      await this.api.changePassword($('pw-current').value, $('pw-new').value);
      $('password-form').reset();
      err.textContent = 'Password changed; your other sessions were ended';
      this.loadSessions();
    }));
    on($('session-list'), 'click', async (ev) => {
      const b = ev.target.closest('button[data-session]');
      if (!b) return;
      const current = b.dataset.current === 'true';
      if (current && !confirm('End this session? You will be logged out here.')) return;
      try {
        await this.api.endSession(b.dataset.session);
        if (current) this.onLogout('Session ended');
        else this.loadSessions();
      } catch (e) {
        this.toast(e.message);
      }
    });
    on($('close-form'), 'submit', guard($('close-form'), async () => {
      if (!confirm('Close your account for good?')) return;
      await this.api.closeAccount($('close-password').value);
      this.onLogout('Your account is closed');
    }));

    // Inbox
    on($('inbox-btn'), 'click', () => {
      $('dlg-inbox').showModal();
      this.loadInbox(false);
    });
    on($('inbox-more'), 'click', () => this.loadInbox(true));
    on($('inbox-list'), 'click', (ev) => {
      const b = ev.target.closest('button[data-room]');
      if (!b) return;
      $('dlg-inbox').close();
      if (this.s.rooms.has(b.dataset.room)) this.openRoom(b.dataset.room, { seq: Number(b.dataset.seq) });
      else this.toast('You are no longer in that room');
    });

    // Room settings
    on($('room-settings-btn'), 'click', () => this.openRoomDialog());
    on($('room-form'), 'submit', guard($('dlg-room'), async () => {
      const r = this.s.rooms.get(this.current);
      const change = {};
      const name = $('room-name').value.trim();
      if (name && name !== r.name) change.name = name;
      const topic = $('room-topic-input').value.trim();
      if (topic !== (r.topic || '')) change.topic = topic;
      if ($('room-nopass').checked) { if (r.passcode) change.passcode = ''; } else if ($('room-passcode').value) change.passcode = $('room-passcode').value;
      const cap = Number($('room-capacity').value);
      if (cap && cap !== r.capacity) change.capacity = cap;
      if (!Object.keys(change).length) throw new Error('Nothing changed');
      const room = await this.api.updateRoom(this.current, change);
      this.s.applyRoomDetails(room);
      $('dlg-room').close();
      this.schedule();
    }));
    on($('unban-form'), 'submit', guard($('dlg-room'), async () => {
      const u = $('unban-user').value.trim().toLowerCase();
      if (!u) throw new Error('Type a username');
      await this.api.moderate(this.current, 'unban', { username: u });
      $('unban-user').value = '';
      this.toast(`${u} may join again`);
    }));
    on($('leave-btn'), 'click', () => {
      $('dlg-room').close();
      this.leaveCurrent();
    });
    on($('delete-room-btn'), 'click', guard($('dlg-room'), async () => {
      const r = this.s.rooms.get(this.current);
      if (prompt(`This deletes ${r.name} and its history for everyone. Type delete to confirm.`) !== 'delete') return;
      await this.api.deleteRoom(this.current);
      $('dlg-room').close();
    }));

    // Member
    const mod = (action, body) => guard($('dlg-member'), async () => {
      const room = await this.api.moderate(this.current, action, { username: this.memberName, ...body() });
      this.s.applyRoomDetails(room);
      $('dlg-member').close();
      this.schedule();
    });
    on($('member-form'), 'submit', (ev) => ev.preventDefault());
    on($('member-dm'), 'click', guard($('dlg-member'), async () => {
      const r = await this.c.openDm(this.memberName);
      $('dlg-member').close();
      this.openRoom(r.id);
    }));
    const reason = () => ($('member-reason').value.trim() ? { reason: $('member-reason').value.trim() } : {});
    on($('member-kick'), 'click', mod('kick', reason));
    on($('member-ban'), 'click', mod('ban', reason));
    on($('member-admin'), 'click', mod('roles', () => ({ role: 'admin' })));
    on($('member-member'), 'click', mod('roles', () => ({ role: 'member' })));
    on($('member-owner'), 'click', (ev) => {
      if (confirm(`Hand the room over to ${this.memberName}? You stay an admin.`)) mod('roles', () => ({ role: 'owner' }))(ev);
    });

    // React
    fill($('react-choices'), QUICK_EMOJI.map((e) => h('button', { type: 'button', dataset: { emoji: e }, 'aria-label': `React with ${e}` }, e)));
    on($('react-choices'), 'click', (ev) => {
      const b = ev.target.closest('button[data-emoji]');
      if (!b) return;
      this.c.react(this.current, this.reactSeq, b.dataset.emoji);
      $('dlg-react').close();
    });
    on($('react-form'), 'submit', (ev) => {
      ev.preventDefault();
      const v = $('react-custom').value.trim();
      if (v) this.c.react(this.current, this.reactSeq, v);
      $('dlg-react').close();
    });
  }

  async loadBrowse(more) {
    const list = $('browse-list');
    if (!more) {
      this.browseNext = null;
      fill(list, h('li', { class: 'muted' }, 'Loading…'));
    }
    try {
      const res = await this.api.listRooms($('browse-q').value.trim() || undefined, more ? this.browseNext : undefined);
      if (!more) fill(list);
      for (const r of res.rooms) {
        const member = this.s.rooms.has(r.id);
        list.append(h('li', { class: 'browse-item' },
          h('span', { class: 'room-name', text: (r.passcode ? '🔒 ' : '# ') + r.name }),
          h('span', { class: 'muted small', text: `${r.members} member${r.members === 1 ? '' : 's'} · ${r.online} online` }),
          h('button', { type: 'button', dataset: { join: r.id, passcode: String(r.passcode) }, 'aria-label': `${member ? 'Open' : 'Join'} ${r.name}` }, member ? 'Open' : 'Join')));
      }
      if (!list.children.length) list.append(h('li', { class: 'muted' }, 'No rooms found'));
      this.browseNext = res.next || null;
      $('browse-more').hidden = !this.browseNext;
    } catch (e) {
      fill(list, h('li', { class: 'error' }, e.message));
    }
  }

  openSwitcher() {
    $('switch-q').value = '';
    this.switchIndex = 0;
    this.renderSwitcher();
    $('dlg-switch').showModal();
    $('switch-q').focus();
  }

  renderSwitcher() {
    const q = $('switch-q').value.trim().toLowerCase();
    const rooms = this.s.orderedRooms().filter((r) => this.s.displayName(r).toLowerCase().includes(q) || r.id.includes(q));
    // Rooms with something new come first when nothing is typed.
    if (!q) rooms.sort((a, b) => (b.mentions - a.mentions) || ((b.unread > 0) - (a.unread > 0)));
    const items = rooms.slice(0, 30).map((r, i) => h('li', {
      role: 'option', id: 'switch-opt-' + i, dataset: { room: r.id }, 'aria-selected': i === this.switchIndex ? 'true' : 'false',
    }, (r.kind === 'dm' ? '@' : r.kind === 'group' ? '& ' : '# ') + this.s.displayName(r), r.unread ? h('span', { class: 'badge', text: String(r.unread) }) : null));
    fill($('switch-list'), items);
    if (items.length) $('switch-q').setAttribute('aria-activedescendant', 'switch-opt-' + this.switchIndex);
    else $('switch-q').removeAttribute('aria-activedescendant');
    const sel = items[this.switchIndex];
    if (sel) sel.scrollIntoView({ block: 'nearest' });
  }

  updateNotifyBtn() {
    const b = $('notify-btn');
    if (!('Notification' in window)) {
      b.hidden = true;
      return;
    }
    b.textContent = Notification.permission === 'granted' ? 'Desktop notifications are on'
      : Notification.permission === 'denied' ? 'Desktop notifications are blocked by the browser' : 'Enable desktop notifications';
    b.disabled = Notification.permission !== 'default';
  }

  async openAccount() {
    for (const e of $('dlg-account').querySelectorAll('.error')) e.textContent = '';
    this.updateNotifyBtn();
    $('dlg-account').showModal();
    this.loadSessions();
    try {
      const s = await this.api.settings();
      $('receipts-toggle').checked = !!s.readReceipts;
    } catch {
      // leave it as it was
    }
  }

  async loadSessions() {
    const list = $('session-list');
    try {
      const res = await this.api.sessions();
      fill(list, res.sessions.map((s) => h('li', { class: 'session' },
        h('div', null, h('strong', { text: cleanText(s.userAgent || 'unknown device') }), s.current ? h('span', { class: 'badge', text: 'this one' }) : null),
        h('div', { class: 'muted small', text: `${s.address || 'unknown address'} · last used ${new Date(s.lastUsed).toLocaleString()}` }),
        h('button', { type: 'button', dataset: { session: s.id, current: String(!!s.current) } }, s.current ? 'Log out here' : 'End session'))));
    } catch (e) {
      fill(list, h('li', { class: 'error', text: e.message }));
    }
  }

  async loadInbox(more) {
    const list = $('inbox-list');
    if (!more) fill(list, h('li', { class: 'muted' }, 'Loading…'));
    try {
      const res = await this.api.notifications(more ? this.inboxNext : undefined);
      if (!more) fill(list);
      for (const n of res.notifications) {
        const r = this.s.rooms.get(n.room);
        const where = r ? this.s.displayName(r) : n.room;
        list.append(h('li', null, h('button', { type: 'button', class: n.read ? 'inbox-item' : 'inbox-item unread', dataset: { room: n.room, seq: String(n.seq) } },
          h('span', { class: 'muted small', text: `${n.kind === 'mention' ? 'mention in ' + (r && !r.isDirect ? '#' : '') + where : 'direct message'} · ${new Date(n.at).toLocaleString()}` }),
          h('span', { text: `${n.sender}: ${excerpt(n.excerpt, 140)}` }))));
      }
      if (!list.children.length) list.append(h('li', { class: 'muted' }, 'Nothing yet'));
      this.inboxNext = res.next || null;
      $('inbox-more').hidden = !this.inboxNext;
      if (!more) {
        this.s.notifications = res.notifications.filter((n) => !n.read).length;
        this.schedule();
      }
    } catch (e) {
      fill(list, h('li', { class: 'error', text: e.message }));
    }
  }

  openRoomDialog() {
    const r = this.s.rooms.get(this.current);
    if (!r) return;
    const role = this.s.myRole(this.current);
    const mod = role === 'owner' || role === 'admin';
    $('dlg-room-title').textContent = r.isDirect ? this.s.displayName(r) : '# ' + r.name;
    $('room-id').textContent = r.id;
    $('room-form').hidden = !mod;
    $('unban-form').hidden = !mod;
    $('delete-room-btn').hidden = role !== 'owner';
    $('leave-btn').textContent = r.isDirect ? 'Leave conversation' : 'Leave room';
    $('room-name').value = r.name || '';
    $('room-topic-input').value = r.topic || '';
    $('room-passcode').value = '';
    $('room-nopass').checked = !r.passcode;
    $('room-capacity').value = r.capacity || '';
    for (const e of $('dlg-room').querySelectorAll('.error')) e.textContent = '';
    $('dlg-room').showModal();
  }

  openMember(name) {
    const r = this.s.rooms.get(this.current);
    this.memberName = name;
    $('dlg-member-title').textContent = name;
    $('member-seen').textContent = lastSeenText(this.s.presenceOf(name));
    $('member-dm').hidden = name === this.s.me;
    const role = this.s.myRole(this.current);
    const theirs = r.owner === name ? 'owner' : (r.members && r.members.get(name) ? r.members.get(name).role : 'member');
    const canAct = name !== this.s.me && !r.isDirect && (role === 'owner' || (role === 'admin' && theirs === 'member'));
    $('member-mod').hidden = !canAct;
    $('member-roles').hidden = role !== 'owner';
    $('member-admin').hidden = theirs === 'admin';
    $('member-member').hidden = theirs !== 'admin';
    $('member-reason').value = '';
    $('dlg-member').querySelector('.error').textContent = '';
    $('dlg-member').showModal();
  }

  openReact(seq) {
    this.reactSeq = seq;
    $('react-custom').value = '';
    $('dlg-react').showModal();
  }
}

function hasFiles(ev) {
  return ev.dataTransfer && [...ev.dataTransfer.types].includes('Files');
}

export { timeLabel };
