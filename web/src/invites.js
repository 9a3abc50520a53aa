// Who may reach the user, in the view: the sidebar's Invitations (accept, decline, block the sender) and the account
// dialog's Blocked users (unblock, block by name). Reads the state model, asks the client to act; the main view
// (ui.js) hands itself in for its toasts, announcements and room opening.

import { h, $, fill, reconcile } from './dom.js';
import { inviteText, cleanText } from './format.js';

export class InvitesView {
  constructor(view) {
    this.v = view;
    this.c = view.c;
    this.s = view.s;
    this.rows = new Map();
    /** Rooms whose invitation is being answered: a second click does nothing. */
    this.busy = new Set();
  }

  bind(on) {
    on($('invite-list'), 'click', (ev) => {
      const b = ev.target.closest('button[data-invite]');
      if (b) this.answer(b.dataset.act, b.dataset.invite);
    });
    on($('block-list'), 'click', (ev) => {
      const b = ev.target.closest('button[data-unblock]');
      if (b) this.unblock(b.dataset.unblock);
    });
    on($('block-form'), 'submit', async (ev) => {
      ev.preventDefault();
      const err = $('block-form').querySelector('.error');
      const name = $('block-user').value.trim().toLowerCase();
      err.textContent = '';
      if (!name) {
        err.textContent = 'Type a username';
        return;
      }
      try {
        await this.c.block(name);
        $('block-user').value = '';
        this.renderBlocks();
        this.v.announce(`${name} is blocked`);
      } catch (e) {
        err.textContent = e.message || String(e);
      }
    });
  }

  /** A frame brought an invitation: say so (at narrow widths the sidebar is a closed drawer). */
  onInvite(invite) {
    const text = inviteText(invite);
    this.v.announce(text);
    this.v.toast(text, () => this.focusInvite(invite.room.id), 'notification');
    this.v.schedule();
  }

  focusInvite(roomId) {
    if (window.matchMedia('(max-width: 700px)').matches) this.v.sidebar.toggleNav(true);
    this.render();
    const b = $('invite-list').querySelector(`button[data-invite="${CSS.escape(roomId)}"]`)
      || $('invite-list').querySelector('button');
    if (b) b.focus();
  }

  render() {
    const invites = this.s.orderedInvites();
    $('invites').hidden = invites.length === 0;
    const rows = invites.map((i) => ({ key: i.room.id, sig: `${i.from}|${i.room.name}|${i.room.kind}`, invite: i }));
    reconcile($('invite-list'), rows, (row) => this.item(row.invite), this.rows);
    // The drawer's button says there is something inside, in words and with a dot.
    const toggle = $('nav-toggle');
    const n = invites.length;
    toggle.classList.toggle('has-invites', n > 0);
    const label = n ? `Rooms, ${n} invitation${n > 1 ? 's' : ''}` : 'Rooms';
    if (toggle.getAttribute('aria-label') !== label) toggle.setAttribute('aria-label', label);
  }

  item(i) {
    const text = inviteText(i);
    const from = cleanText(i.from);
    const to = cleanText(i.room.name || i.room.id);
    const id = i.room.id;
    // Named by their visible word first, then what they act on (several invitations may be listed).
    const button = (act, label, name, cls) => h('button', {
      type: 'button', class: cls, dataset: { invite: id, act }, 'aria-label': name,
    }, label);
    return h('li', { class: 'invite' },
      h('p', { class: 'invite-text', text }),
      h('div', { class: 'invite-actions' },
        button('accept', 'Accept', `Accept the invitation from ${from} to ${to}`, 'primary'),
        button('decline', 'Decline', `Decline the invitation from ${from} to ${to}`),
        button('block', 'Block', `Block ${from}`, 'danger')));
  }

  async answer(act, roomId) {
    const invite = this.s.invites.get(roomId);
    if (!invite || this.busy.has(roomId)) return;
    const from = invite.from;
    if (act === 'block' && !confirm(`Block ${from}? Their DMs and invitations no longer reach you, nothing of theirs notifies you, and their messages are folded.`)) return;
    this.busy.add(roomId);
    const next = this.neighbour(roomId);
    try {
      if (act === 'accept') {
        const r = await this.c.acceptInvite(roomId);
        this.v.openRoom(r.id);
        return;
      }
      if (act === 'decline') {
        await this.c.declineInvite(roomId);
        this.v.announce(`Declined: ${inviteText(invite)}`);
      } else {
        await this.c.block(from);
        this.v.toast(`${from} is blocked (Account → Blocked users to undo)`);
      }
      this.render();
      // The item is gone: focus goes on to the next invitation, or to the sidebar's first button.
      const b = (next && $('invite-list').querySelector(`button[data-invite="${CSS.escape(next)}"]`))
        || $('invite-list').querySelector('button') || $('new-room-btn');
      if (b) b.focus();
    } catch (e) {
      this.v.toast(e.message || String(e));
    } finally {
      this.busy.delete(roomId);
      this.v.schedule();
    }
  }

  neighbour(roomId) {
    const ids = this.s.orderedInvites().map((i) => i.room.id);
    const k = ids.indexOf(roomId);
    return ids[k + 1] || ids[k - 1] || null;
  }

  // ---- the account dialog's Blocked users -----------------------------------------------------------------------

  async loadBlocks() {
    const list = $('block-list');
    if (this.s.blocks === null) fill(list, h('li', { class: 'muted' }, 'Loading…'));
    $('block-form').querySelector('.error').textContent = '';
    try {
      await this.c.loadBlocks();
      this.renderBlocks();
    } catch (e) {
      fill(list, h('li', { class: 'error', text: e.message }));
    }
  }

  renderBlocks() {
    const names = this.s.blockedUsers();
    fill($('block-list'), names.length ? names.map((n) => h('li', { class: 'blocked' },
      h('span', { class: 'blocked-name', text: cleanText(n) }),
      h('button', { type: 'button', dataset: { unblock: n }, 'aria-label': `Unblock ${cleanText(n)}` }, 'Unblock')))
      : h('li', { class: 'muted small' }, 'Nobody is blocked'));
  }

  async unblock(name) {
    try {
      await this.c.unblock(name);
      this.renderBlocks();
      this.v.announce(`${name} is no longer blocked`);
      const b = $('block-list').querySelector('button') || $('block-user');
      b.focus();
    } catch (e) {
      $('block-form').querySelector('.error').textContent = e.message || String(e);
    }
  }
}
