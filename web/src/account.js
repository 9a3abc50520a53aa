// The account, in the view: who is signed in, and the account dialog: logging out, desktop notifications, read
// receipts, the password, the sessions (and the ones the node ended), closing the account; its blocked users are
// invites.js. The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { cleanText, endedSessionText } from './format.js';

export class AccountView {
  constructor(view) {
    this.v = view;
    this.s = view.s;
  }

  bind(on) {
    $('account-btn').textContent = this.s.me;
    $('account-name').textContent = this.s.me;
    on($('account-btn'), 'click', () => this.open());
    on($('logout-btn'), 'click', async () => {
      try {
        await this.v.api.logout();
      } catch {
        // gone already
      }
      // A deliberate logout leaves nothing of the user's behind on this device (a shared computer).
      for (const k of ['parley.outbox.', 'parley.room.', 'parley.drafts.']) localStorage.removeItem(k + this.s.me);
      this.v.onLogout('You logged out');
    });
    on($('notify-btn'), 'click', async () => {
      if (!('Notification' in window)) return this.v.toast('This browser has no desktop notifications');
      const p = await Notification.requestPermission();
      this.updateNotifyBtn();
      if (p === 'granted') this.v.toast('Desktop notifications are on for mentions and direct messages');
    });
    on($('receipts-toggle'), 'change', async (ev) => {
      try {
        await this.v.api.setSettings({ readReceipts: ev.target.checked });
      } catch (e) {
        ev.target.checked = !ev.target.checked;
        this.v.toast(e.message);
      }
    });
    on($('password-form'), 'submit', this.v.guard($('password-form'), async () => {
      const err = $('password-form').querySelector('.error');
      if ($('pw-new').value !== $('pw-new2').value) throw new Error('The new passwords differ');
      await this.v.api.changePassword($('pw-current').value, $('pw-new').value);
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
        await this.v.api.endSession(b.dataset.session);
        if (current) this.v.onLogout('Session ended');
        else this.loadSessions();
      } catch (e) {
        this.v.toast(e.message);
      }
    });
    on($('close-form'), 'submit', this.v.guard($('close-form'), async () => {
      if (!confirm('Close your account for good?')) return;
      await this.v.api.closeAccount($('close-password').value);
      this.v.onLogout('Your account is closed');
    }));
  }

  async open() {
    for (const e of $('dlg-account').querySelectorAll('.error')) e.textContent = '';
    this.updateNotifyBtn();
    $('dlg-account').showModal();
    this.loadSessions();
    this.v.invites.loadBlocks();
    this.v.admin.showEntry();
    this.v.directory.loadListed();
    try {
      const s = await this.v.api.settings();
      $('receipts-toggle').checked = !!s.readReceipts;
    } catch {
      // leave it as it was
    }
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

  async loadSessions() {
    const list = $('session-list');
    try {
      const res = await this.v.api.sessions();
      fill(list, res.sessions.map((s) => h('li', { class: 'session' },
        h('div', null, h('strong', { text: cleanText(s.userAgent || 'unknown device') }), s.current ? h('span', { class: 'badge', text: 'this one' }) : null),
        h('div', { class: 'muted small', text: `${s.address || 'unknown address'} · last used ${new Date(s.lastUsed).toLocaleString()}` }),
        h('button', { type: 'button', dataset: { session: s.id, current: String(!!s.current) } }, s.current ? 'Log out here' : 'End session'))),
      (res.ended || []).map((s) => h('li', { class: 'session ended' },
        h('div', null, h('strong', { text: cleanText(s.userAgent || 'unknown device') })),
        h('div', { class: 'muted small', text: `${s.address || 'unknown address'} · ${endedSessionText(s, res.limit)} · ${new Date(s.endedAt).toLocaleString()}` }))));
    } catch (e) {
      fill(list, h('li', { class: 'error', text: e.message }));
    }
  }
}
