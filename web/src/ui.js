// The main screen: the views of its parts, each a module (sidebar.js, timeline.js, composer.js, room.js, account.js,
// inbox.js, invites.js, search.js), wired to the client and to each other here, with what concerns the whole page: which room
// is open, one render per frame, the page's keys and the browser's events, toasts and announcements. The views read
// the state model and ask the client to act; every text from the network is set with textContent.

import { h, $ } from './dom.js';
import { titleFor, excerpt, removedText, errorText } from './format.js';
import { SidebarView } from './sidebar.js';
import { TimelineView } from './timeline.js';
import { ComposerView } from './composer.js';
import { RoomView } from './room.js';
import { AccountView } from './account.js';
import { InboxView } from './inbox.js';
import { InvitesView } from './invites.js';
import { InviteLinksView } from './invite-links.js';
import { ReportsView } from './reports.js';
import { AdminView } from './admin.js';
import { DirectoryView } from './directory.js';
import { SearchView } from './search.js';

export class MainView {
  constructor(client, api, { onLogout }) {
    this.c = client;
    this.s = client.state;
    this.api = api;
    this.onLogout = onLogout;
    this.current = null;
    this.scheduled = false;
    this.timers = [];
    this.notice = null; // why no room is open, when one went away
    this.unsub = null;
    this.sidebar = new SidebarView(this);
    this.timeline = new TimelineView(this);
    this.composer = new ComposerView(this);
    this.room = new RoomView(this);
    this.account = new AccountView(this);
    this.inbox = new InboxView(this);
    this.invites = new InvitesView(this);
    this.inviteLinks = new InviteLinksView(this);
    this.reports = new ReportsView(this);
    this.admin = new AdminView(this);
    this.directory = new DirectoryView(this);
    this.search = new SearchView(this);
  }

  // ---- mounting -----------------------------------------------------------------------------------------------

  mount() {
    $('app').hidden = false;
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
    this.search.clear();
    $('app').hidden = true;
    if (this.abort) this.abort.abort();
  }

  onEvent(type, d) {
    switch (type) {
      case 'state':
        // After a notice the user picks; a reconnect does not open a room for them.
        if (d.hello && !this.current && !this.notice) this.pickInitialRoom();
        if (d.hello) this.inviteLinks.fromAddress();
        this.schedule();
        break;
      case 'entry':
        if (d.entry && d.entry.room === this.current && d.entry.sender !== this.s.me && d.entry.kind === 'message'
          && !this.s.isBlocked(d.entry.sender)) {
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
        this.inbox.notify(d);
        break;
      case 'invite':
        this.invites.onInvite(d);
        break;
      case 'removed':
        // The room in view is gone: no other room takes its place (the next line typed would land there unseen).
        if (d.room === this.current) {
          for (const dlg of ['dlg-room', 'dlg-member', 'dlg-react']) if ($(dlg).open) $(dlg).close();
          this.showEmpty(removedText(d));
        } else if (d.reason === 'kicked' || d.reason === 'banned' || d.reason === 'deleted') {
          this.toast(removedText(d));
        } else {
          this.announce(removedText(d));
        }
        this.schedule();
        break;
      case 'error':
        if (d.item) this.toast(`Not sent: ${errorText(d.code, d.message)}`);
        else if (d.code !== 'rate_limited') this.toast(errorText(d.code, d.message));
        break;
      case 'loggedOut':
        this.onLogout(d.reason);
        break;
      default:
        break;
    }
  }

  pickInitialRoom() {
    if (this.current) return;
    const m = /^#room=(.+)$/.exec(location.hash);
    const wanted = m ? decodeURIComponent(m[1]) : localStorage.getItem('parley.room.' + this.s.me);
    const order = this.s.orderedRooms();
    const pick = wanted && this.s.rooms.has(wanted) ? wanted : order.length ? order[0].id : null;
    if (pick) this.openRoom(pick, { focus: false });
    else this.showEmpty();
  }

  /** No room open; `notice` says why, when a room the user was in went away. */
  showEmpty(notice = null) {
    this.current = null;
    this.notice = notice;
    this.c.setFocus(null);
    $('room-view').hidden = true;
    $('empty').hidden = false;
    $('empty-notice').hidden = !notice;
    $('empty-notice').textContent = notice || '';
    const has = this.s.rooms.size > 0;
    $('empty-title').textContent = has ? 'Pick a conversation' : 'Welcome to Parley';
    $('empty-text').textContent = has ? 'Open one of your rooms, create a new one, browse the public ones, or start a direct message.'
      : 'Create a room, browse the public ones, or start a direct message.';
    $('empty-rooms').hidden = !has;
    if (notice) history.replaceState(null, '', location.pathname + location.search);
    this.schedule();
  }

  // ---- events -------------------------------------------------------------------------------------------------

  bind() {
    this.abort = new AbortController();
    const sig = { signal: this.abort.signal };
    const on = (el, ev, fn, opts) => el.addEventListener(ev, fn, { ...sig, ...(opts || {}) });

    this.sidebar.bind(on);
    on($('empty'), 'click', (ev) => {
      const b = ev.target.closest('button[data-open]');
      if (b) $(b.dataset.open).click();
    });
    this.room.bind(on);
    this.timeline.bind(on);
    this.composer.bind(on);

    on(document, 'keydown', (ev) => this.onGlobalKey(ev));
    on(document, 'visibilitychange', () => this.onVisibility());
    on(window, 'focus', () => this.timeline.maybeMarkRead());
    on(window, 'online', () => this.c.reconnectNow());
    on(window, 'hashchange', () => {
      const m = /^#room=(.+)$/.exec(location.hash);
      if (m && this.s.rooms.has(decodeURIComponent(m[1]))) this.openRoom(decodeURIComponent(m[1]));
    });

    for (const b of document.querySelectorAll('dialog [data-close]')) on(b, 'click', () => b.closest('dialog').close());
    this.account.bind(on);
    this.inbox.bind(on);
    this.invites.bind(on);
    this.inviteLinks.bind(on);
    this.reports.bind(on);
    this.admin.bind(on);
    this.directory.bind(on);
    this.search.bind(on);
  }

  onVisibility() {
    if (document.visibilityState === 'visible') {
      this.c.setFocus(this.current);
      this.timeline.maybeMarkRead();
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
      if (!dialogOpen) this.search.open();
      return;
    }
    if (dialogOpen) return;
    if (ev.key === '/' && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !typing(ev.target)) {
      ev.preventDefault();
      this.search.open();
      return;
    }
    if (ev.altKey && (ev.key === 'ArrowUp' || ev.key === 'ArrowDown')) {
      ev.preventDefault();
      this.sidebar.moveRoom(ev.key === 'ArrowUp' ? -1 : 1);
      return;
    }
    if (ev.key === 'Escape') {
      if ($('app').classList.contains('nav-open')) {
        this.sidebar.toggleNav(false);
        return;
      }
      if ($('app').classList.contains('members-open')) {
        // The overlay at narrow widths covers its own toggle: Esc closes it.
        $('app').classList.remove('members-open');
        this.schedule();
        $('members-toggle').focus();
        return;
      }
      this.timeline.markAllRead();
    }
  }

  // ---- rooms --------------------------------------------------------------------------------------------------

  openRoom(id, { focus = true, seq = null } = {}) {
    const r = this.s.rooms.get(id);
    if (!r) return;
    const input = $('composer-input');
    if (this.current && this.current !== id) this.c.inputChanged(this.current, '');
    const same = this.current === id;
    this.current = id;
    this.notice = null;
    if (!same) {
      this.timeline.reset(id);
      this.composer.reset(id);
      try {
        history.replaceState(null, '', '#room=' + encodeURIComponent(id));
        localStorage.setItem('parley.room.' + this.s.me, id);
      } catch {
        // not essential
      }
    }
    $('empty').hidden = true;
    $('room-view').hidden = false;
    this.sidebar.toggleNav(false);
    const wasHeld = r.cursor !== null;
    this.c.open(id).then(() => this.timeline.opened(id, wasHeld, same ? null : seq));
    if (seq !== null && same) this.timeline.scrollToSeq(seq);
    this.render();
    if (focus && !window.matchMedia('(pointer: coarse)').matches) input.focus();
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
    this.invites.render();
    this.sidebar.render();
    this.renderTop();
    if (this.current && this.s.rooms.has(this.current)) {
      this.room.render();
      this.timeline.render();
      this.timeline.renderTyping();
      this.composer.renderUploads();
      this.room.renderMembers();
    } else if (this.current) {
      this.showEmpty();
    } else {
      this.room.renderMembers();
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
    this.inbox.renderCount();
  }

  tick() {
    if (this.current && this.s.rooms.has(this.current)) {
      const r = this.s.rooms.get(this.current);
      if (r.typing.size) this.timeline.renderTyping();
    }
    if (this.c.conn.state === 'offline') this.renderTop();
  }

  // ---- shared by the views ------------------------------------------------------------------------------------

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

  /**
   * A dialog's handler (submit or click) whose failure is told in the dialog's error line, or in a toast when it has
   * none; the line is cleared first.
   */
  guard(dlg, fn) {
    return async (ev) => {
      if (ev) ev.preventDefault();
      const err = dlg.querySelector('.error');
      if (err) err.textContent = '';
      try {
        await fn(ev);
      } catch (e) {
        if (err) err.textContent = e.message || String(e);
        else this.toast(e.message || String(e));
      }
    };
  }
}

/** Whether a key went to something the user types in (where `/` is a character, not the search key). */
function typing(el) {
  if (!el || !el.tagName) return false;
  return el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'
    || (el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes(el.type));
}
