// Invite links (v1.4), in the view: the room dialog's section where the owner and admins make a link (shown once,
// to copy), see the links that stand and revoke them; and the page opened at `#invite=<token>` (a fragment, so the
// token never reaches a server's logs), which shows what the link is to and joins on the user's word. The main view
// (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { cleanText, errorText } from './format.js';

const TOKEN = /^#invite=([A-Za-z0-9_-]{43})$/;

export class InviteLinksView {
  constructor(view) {
    this.v = view;
    this.c = view.c;
    this.s = view.s;
    this.token = null;
  }

  bind(on) {
    on($('link-form'), 'submit', this.v.guard($('link-form'), async () => {
      const body = {};
      const uses = $('link-uses').value.trim();
      if (uses) body.maxUses = Number(uses);
      const days = Number($('link-days').value || 7);
      body.expiresIn = Math.round(days * 86400);
      const room = this.v.current;
      const link = await this.v.api.makeInviteLink(room, body);
      $('link-url').value = linkUrl(link.token);
      $('link-made').hidden = false;
      $('link-url').focus();
      $('link-url').select();
      await this.load(room);
    }));
    on($('link-copy'), 'click', async () => {
      try {
        await navigator.clipboard.writeText($('link-url').value);
        this.v.announce('The link is copied');
      } catch {
        $('link-url').select();
      }
    });
    on($('link-list'), 'click', this.v.guard($('link-form'), async (ev) => {
      const b = ev.target.closest('button[data-revoke]');
      if (!b) return;
      const room = this.v.current;
      await this.v.api.revokeInviteLink(room, b.dataset.revoke);
      this.v.announce('The link is revoked: it lets nobody in now');
      await this.load(room);
    }));
    on($('join-link-form'), 'submit', this.v.guard($('dlg-join-link'), async () => {
      const token = this.token;
      if (!token) return;
      const room = await this.c.acceptInviteLink(token);
      this.forget();
      $('dlg-join-link').close();
      this.v.openRoom(room.id);
    }));
    on($('dlg-join-link'), 'close', () => this.forget());
    on(window, 'hashchange', () => this.fromAddress());
  }

  /** The room dialog opens: the section shows for the owner and admins of a room (not a DM), with its links. */
  open(room, mod) {
    const shown = mod && !room.isDirect;
    $('link-form').hidden = !shown;
    $('link-made').hidden = true;
    $('link-url').value = '';
    $('link-uses').value = '';
    $('link-days').value = '7';
    if (shown) this.load(room.id);
  }

  async load(roomId) {
    const list = $('link-list');
    try {
      const res = await this.v.api.inviteLinks(roomId);
      if (this.v.current !== roomId) return;
      fill(list, res.links.length ? res.links.map((l) => this.item(l))
        : h('li', { class: 'muted small' }, 'No link stands'));
    } catch (e) {
      fill(list, h('li', { class: 'error', text: errorText(e.code, e.message) }));
    }
  }

  item(l) {
    const uses = l.maxUses == null ? `${l.uses} used` : `${l.uses} of ${l.maxUses} used`;
    const until = new Date(l.expiresAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
    const text = `By ${cleanText(l.createdBy)} · ${uses} · until ${until}`;
    return h('li', { class: 'invite-link' },
      h('span', { text }),
      h('button', { type: 'button', dataset: { revoke: l.id }, 'aria-label': `Revoke the link: ${text}` }, 'Revoke'));
  }

  /** The page was opened at (or moved to) an invite link: what it is to, and Join. Once signed in only. */
  async fromAddress() {
    const m = TOKEN.exec(location.hash);
    if (!m || this.token === m[1]) return;
    this.token = m[1];
    const dlg = $('dlg-join-link');
    dlg.querySelector('.error').textContent = '';
    $('join-link-text').textContent = 'Looking at the link…';
    $('join-link-go').disabled = true;
    if (!dlg.open) dlg.showModal();
    try {
      const p = await this.v.api.invitePreview(m[1]);
      const name = cleanText(p.room.name || p.room.id);
      $('join-link-text').textContent = `${cleanText(p.from)} invites you to #${name}.`;
      $('join-link-go').disabled = false;
      $('join-link-go').focus();
    } catch (e) {
      $('join-link-text').textContent = errorText(e.code, e.message);
    }
  }

  /** The link was used or set aside: the address no longer holds the token. */
  forget() {
    this.token = null;
    if (TOKEN.test(location.hash)) history.replaceState(null, '', location.pathname + location.search);
  }
}

/** The address that opens a link in this client. */
export function linkUrl(token) {
  return `${location.origin}/#invite=${token}`;
}
