// Mentions and direct messages that reach the user, in the view: a `notification` frame is told (read out, a toast
// that opens it, a desktop notification once the user allowed them), and the Mentions inbox lists them, its count
// in the top bar. The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { excerpt, dayLabel, timeLabel } from './format.js';

export class InboxView {
  constructor(view) {
    this.v = view;
    this.s = view.s;
    this.next = null;
  }

  bind(on) {
    on($('inbox-btn'), 'click', () => {
      $('dlg-inbox').showModal();
      this.load(false);
    });
    on($('inbox-more'), 'click', () => this.load(true));
    on($('inbox-list'), 'click', (ev) => {
      const b = ev.target.closest('button[data-room]');
      if (!b) return;
      $('dlg-inbox').close();
      if (this.s.rooms.has(b.dataset.room)) this.v.openRoom(b.dataset.room, { seq: Number(b.dataset.seq) });
      else this.v.toast('You are no longer in that room');
    });
  }

  notify(f) {
    const r = this.s.rooms.get(f.room);
    const where = r ? this.s.displayName(r) : 'a room';
    const title = f.kind === 'mention' ? `${f.sender} mentioned you in ${r && !r.isDirect ? '#' : ''}${where}` : `${f.sender} wrote to you`;
    const body = excerpt(f.excerpt, 140);
    this.v.announce(`${title}: ${body}`);
    this.v.toast(`${title}: ${body}`, () => this.v.openRoom(f.room, { seq: f.seq }), 'notification');
    if ('Notification' in window && Notification.permission === 'granted'
      && (document.visibilityState !== 'visible' || !document.hasFocus() || this.v.current !== f.room)) {
      try {
        const n = new Notification(title, { body, tag: f.room });
        n.onclick = () => {
          window.focus();
          this.v.openRoom(f.room, { seq: f.seq });
          n.close();
        };
      } catch {
        // some browsers only allow notifications from a service worker
      }
    }
    this.v.schedule();
  }

  /** The unread count on the top bar's Mentions button. */
  renderCount() {
    const n = this.s.notifications;
    const badge = $('inbox-count');
    badge.hidden = n <= 0;
    badge.textContent = String(n);
    $('inbox-unread').hidden = n <= 0;
  }

  async load(more) {
    const list = $('inbox-list');
    if (!more) fill(list, h('li', { class: 'muted' }, 'Loading…'));
    try {
      const res = await this.v.api.notifications(more ? this.next : undefined);
      if (!more) fill(list);
      for (const n of res.notifications) {
        const r = this.s.rooms.get(n.room);
        const where = r ? this.s.displayName(r) : 'a room you are no longer in';
        list.append(h('li', null, h('button', { type: 'button', class: n.read ? 'inbox-item' : 'inbox-item unread', dataset: { room: n.room, seq: String(n.seq) } },
          h('span', { class: 'muted small', text: `${n.kind === 'mention' ? 'mention in ' + (r && !r.isDirect ? '#' : '') + where : 'direct message'} · ${dayLabel(new Date(n.at))} ${timeLabel(new Date(n.at))}` }),
          h('span', { text: `${n.sender}: ${excerpt(n.excerpt, 140)}` }))));
      }
      if (!list.children.length) list.append(h('li', { class: 'muted' }, 'Nothing yet'));
      this.next = res.next || null;
      $('inbox-more').hidden = !this.next;
      if (!more) {
        this.s.applyInboxUnread(res.notifications);
        this.v.schedule();
      }
    } catch (e) {
      fill(list, h('li', { class: 'error', text: e.message }));
    }
  }
}
