// The server's admin page (v1.4), in the view: for a server admin, the account dialog has *Server admin*, which opens
// the accounts (turn one off and on, sign one out everywhere), who may sign up, and the audit log, newest first.
// The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { cleanText, errorText, dayLabel, timeLabel } from './format.js';

export class AdminView {
  constructor(view) {
    this.v = view;
    this.s = view.s;
  }

  bind(on) {
    on($('admin-btn'), 'click', () => {
      $('dlg-account').close();
      this.open();
    });
    on($('admin-users'), 'click', this.v.guard($('dlg-admin'), async (ev) => {
      const b = ev.target.closest('button[data-user]');
      if (!b) return;
      const { user, act } = b.dataset;
      if (act === 'deactivate' && !confirm(`Deactivate ${user}? Their connections end now and they cannot log in until you reactivate them.`)) return;
      const path = act === 'signout' ? `/sessions/reset` : `/${act}`;
      await this.v.api.call('POST', '/api/v1/admin/users/' + encodeURIComponent(user) + path);
      this.v.announce(act === 'signout' ? `${user} is signed out everywhere` : `${user}: ${act}d`);
      await this.load();
    }));
    on($('admin-invite'), 'click', this.v.guard($('dlg-admin'), async () => {
      const made = await this.v.api.call('POST', '/api/v1/admin/invites', {});
      $('admin-invite-url').value = `${location.origin}/#signup=${made.token}`;
      $('admin-invite-made').hidden = false;
      $('admin-invite-url').select();
    }));
    on($('admin-signup'), 'change', this.v.guard($('dlg-admin'), async (ev) => {
      await this.v.api.call('PATCH', '/api/v1/admin/settings', { signup: ev.target.value });
      this.v.announce(`Sign-up is ${ev.target.value} now`);
      await this.load();
    }));
  }

  /** Shows the button to the server's admins only (the node says who they are). */
  async showEntry() {
    try {
      const me = await this.v.api.me();
      $('admin-btn').hidden = !me.admin;
    } catch {
      $('admin-btn').hidden = true;
    }
  }

  async open() {
    $('dlg-admin').querySelector('.error').textContent = '';
    $('admin-invite-made').hidden = true;
    $('admin-invite-url').value = '';
    $('dlg-admin').showModal();
    await this.load();
  }

  async load() {
    try {
      const [users, settings, audit] = await Promise.all([
        this.v.api.call('GET', '/api/v1/admin/users?limit=200'),
        this.v.api.call('GET', '/api/v1/admin/settings'),
        this.v.api.call('GET', '/api/v1/admin/audit?limit=50'),
      ]);
      $('admin-signup').value = settings.signup;
      fill($('admin-users'), users.users.map((u) => this.user(u)));
      fill($('admin-audit'), audit.entries.length ? audit.entries.map((e) => this.entry(e))
        : h('li', { class: 'muted small' }, 'Nothing yet'));
    } catch (e) {
      $('dlg-admin').querySelector('.error').textContent = errorText(e.code, e.message);
    }
  }

  user(u) {
    const name = cleanText(u.username);
    const state = [u.admin ? 'admin' : null, u.closed ? 'closed' : null, u.deactivated ? 'deactivated' : null,
      u.online ? 'online' : u.lastSeen ? `last seen ${dayLabel(new Date(u.lastSeen))} ${timeLabel(new Date(u.lastSeen))}` : null]
      .filter(Boolean).join(' · ');
    const button = (act, label, cls) => h('button', {
      type: 'button', class: cls, dataset: { user: u.username, act }, 'aria-label': `${label} ${name}`,
    }, label);
    const acts = u.username === this.s.me || u.closed ? []
      : [u.deactivated ? button('reactivate', 'Reactivate') : button('deactivate', 'Deactivate', 'danger'),
        button('signout', 'Sign out everywhere')];
    return h('li', { class: 'admin-user' },
      h('span', { class: 'admin-user-name', text: state ? `${name} (${state})` : name }),
      ...acts);
  }

  entry(e) {
    const at = new Date(e.at);
    const text = [`${dayLabel(at)} ${timeLabel(at)}`, cleanText(e.actor), e.action, e.target ? cleanText(e.target) : null,
      e.room ? `in ${e.room}` : null, e.detail ? cleanText(e.detail) : null, e.address ? `from ${e.address}` : null]
      .filter(Boolean).join(' ');
    return h('li', { class: 'audit-entry', text });
  }
}
