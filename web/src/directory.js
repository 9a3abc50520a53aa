// The user directory (v1.4), in the view: the new-DM dialog suggests people by the start of the name being typed
// (GET /users?q=, a quarter second after the last key), and the account dialog says and sets whether the user is
// found there. The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';

export class DirectoryView {
  constructor(view) {
    this.v = view;
    this.s = view.s;
    this.timer = null;
    this.asked = '';
  }

  bind(on) {
    on($('dm-users'), 'input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.suggest(), 250);
    });
    on($('listed-toggle'), 'change', async (ev) => {
      try {
        await this.v.api.call('PUT', '/api/v1/me/directory', { listed: ev.target.checked });
        this.v.announce(ev.target.checked ? 'Others find you in the directory' : 'You are out of the directory');
      } catch (e) {
        ev.target.checked = !ev.target.checked;
        this.v.toast(e.message);
      }
    });
  }

  /** The names typed so far, then suggestions for the one being typed (its start, two characters or more). */
  async suggest() {
    const value = $('dm-users').value;
    const cut = Math.max(value.lastIndexOf(','), value.lastIndexOf(' ')) + 1;
    const typed = value.slice(cut).trim().replace(/^@/, '').toLowerCase();
    if (typed.length < 2 || typed === this.asked) return;
    this.asked = typed;
    try {
      const res = await this.v.api.call('GET', '/api/v1/users?limit=8&q=' + encodeURIComponent(typed));
      const before = value.slice(0, cut);
      fill($('dm-suggest'), res.users.filter((u) => u.username !== this.s.me)
        .map((u) => h('option', { value: before + u.username })));
    } catch {
      // Suggestions are a help, not a need: typing the whole name still works.
    }
  }

  async loadListed() {
    try {
      const res = await this.v.api.call('GET', '/api/v1/me/directory');
      $('listed-toggle').checked = !!res.listed;
    } catch {
      // leave it as it was
    }
  }
}
