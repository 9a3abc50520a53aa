// The open room's members, in the view: the list (presence, roles, last seen) and the member dialog (a DM, and for
// owners and admins kick, ban, roles, hand-over). Reads the state model; the main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { lastSeenText } from './format.js';

export class MembersView {
  constructor(view) {
    this.v = view;
    this.c = view.c;
    this.s = view.s;
    this.name = null;
  }

  bind(on, guard) {
    const dlg = $('dlg-member');
    const mod = (action, body) => guard(dlg, async () => {
      const room = await this.v.api.moderate(this.v.current, action, { username: this.name, ...body() });
      this.s.applyRoomDetails(room);
      dlg.close();
      this.v.schedule();
    });
    on($('member-form'), 'submit', (ev) => ev.preventDefault());
    on($('member-dm'), 'click', guard(dlg, async () => {
      const r = await this.c.openDm(this.name);
      dlg.close();
      this.v.openRoom(r.id);
    }));
    const reason = () => ($('member-reason').value.trim() ? { reason: $('member-reason').value.trim() } : {});
    on($('member-kick'), 'click', mod('kick', reason));
    on($('member-ban'), 'click', mod('ban', reason));
    on($('member-admin'), 'click', mod('roles', () => ({ role: 'admin' })));
    on($('member-member'), 'click', mod('roles', () => ({ role: 'member' })));
    on($('member-owner'), 'click', (ev) => {
      if (confirm(`Hand the room over to ${this.name}? You stay an admin.`)) mod('roles', () => ({ role: 'owner' }))(ev);
    });
  }

  /** The list for room `r`: online first, then by name; a newcomer shows from their `joined` entry on. */
  render(r) {
    const list = $('member-list');
    if (!r) {
      fill(list);
      return;
    }
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
        type: 'button', class: 'member', dataset: { member: m.username, online: String(!!m.p.online) },
        'aria-label': `${m.username}${role ? ', ' + role : ''}, ${lastSeenText(m.p, now)}`,
        onclick: () => this.open(m.username),
      },
      // Spaces between the parts (a flex row does not show them), so the visible words read as the name does.
      h('span', { class: m.p.online ? 'dot online' : 'dot', 'aria-hidden': 'true' }),
      h('span', { class: 'member-name', text: m.username + (m.username === this.s.me ? ' (you)' : '') }),
      role ? [' ', h('span', { class: 'role', text: role })] : null,
      m.p.online ? null : [' ', h('span', { class: 'muted small last-seen', text: lastSeenText(m.p, now) })]));
    }));
  }

  open(name) {
    const r = this.s.rooms.get(this.v.current);
    if (!r) return;
    this.name = name;
    $('dlg-member-title').textContent = name;
    $('member-seen').textContent = lastSeenText(this.s.presenceOf(name));
    $('member-dm').hidden = name === this.s.me;
    const role = this.s.myRole(this.v.current);
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
}
