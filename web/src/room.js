// The open room's header and members, in the view: its name and topic (a DM's: when the other was last seen), the
// member count and the toggle of the members panel, the room dialog (settings and unban for owners and admins, leave,
// delete for the owner), and the member list (members.js). The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { lastSeenText, excerpt, cleanText, errorText } from './format.js';
import { MembersView } from './members.js';

export class RoomView {
  constructor(view) {
    this.v = view;
    this.c = view.c;
    this.s = view.s;
    this.members = new MembersView(view);
  }

  bind(on) {
    on($('members-toggle'), 'click', () => {
      const app = $('app');
      const narrow = window.matchMedia('(max-width: 1000px)').matches;
      const cls = narrow ? 'members-open' : 'members-hidden';
      app.classList.toggle(cls);
      this.v.schedule();
    });

    on($('room-settings-btn'), 'click', () => this.openDialog());
    on($('room-form'), 'submit', this.v.guard($('dlg-room'), async () => {
      const r = this.s.rooms.get(this.v.current);
      const change = {};
      const name = $('room-name').value.trim();
      if (name && name !== r.name) change.name = name;
      const topic = $('room-topic-input').value.trim();
      if (topic !== (r.topic || '')) change.topic = topic;
      if ($('room-nopass').checked) { if (r.passcode) change.passcode = ''; } else if ($('room-passcode').value) change.passcode = $('room-passcode').value;
      const cap = Number($('room-capacity').value);
      if (cap && cap !== r.capacity) change.capacity = cap;
      const visibility = $('room-visibility').value;
      if (visibility !== (r.visibility || 'public')) change.visibility = visibility;
      const membersInvite = $('room-members-invite').checked;
      if (membersInvite !== r.membersInvite) change.membersInvite = membersInvite;
      if (!Object.keys(change).length) throw new Error('Nothing changed');
      const room = await this.v.api.updateRoom(this.v.current, change);
      this.s.applyRoomDetails(room);
      $('dlg-room').close();
      this.v.schedule();
    }));
    on($('invite-form'), 'submit', this.v.guard($('dlg-room'), async () => {
      const u = $('invite-user').value.trim().toLowerCase();
      if (!u) throw new Error('Type a username');
      await this.v.api.invite(this.v.current, u);
      $('invite-user').value = '';
      this.v.toast(`${u} is invited`);
    }));
    on($('unban-form'), 'submit', this.v.guard($('dlg-room'), async () => {
      const u = $('unban-user').value.trim().toLowerCase();
      if (!u) throw new Error('Type a username');
      await this.v.api.moderate(this.v.current, 'unban', { username: u });
      $('unban-user').value = '';
      this.v.toast(`${u} may join again`);
    }));
    on($('leave-btn'), 'click', () => {
      $('dlg-room').close();
      this.leaveCurrent();
    });
    on($('delete-room-btn'), 'click', this.v.guard($('dlg-room'), async () => {
      const r = this.s.rooms.get(this.v.current);
      if (prompt(`This deletes ${r.name} and its history for everyone. Type delete to confirm.`) !== 'delete') return;
      await this.v.api.deleteRoom(this.v.current);
      $('dlg-room').close();
    }));

    this.members.bind(on, (dlg, fn) => this.v.guard(dlg, fn));
  }

  render() {
    const r = this.s.rooms.get(this.v.current);
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
    // The composer is named by the room it writes to.
    $('composer-label').textContent = `Message ${t}`;
    $('composer-input').placeholder = excerpt(`Message ${t}`, 32);
  }

  /** The open room's members, or none. */
  renderMembers() {
    this.members.render(this.s.rooms.get(this.v.current) || null);
  }

  // ---- the room dialog ----------------------------------------------------------------------------------------

  openDialog() {
    const r = this.s.rooms.get(this.v.current);
    if (!r) return;
    const role = this.s.myRole(this.v.current);
    const mod = role === 'owner' || role === 'admin';
    $('dlg-room-title').textContent = r.isDirect ? this.s.displayName(r) : '# ' + r.name;
    $('room-id').textContent = r.id;
    $('room-form').hidden = !mod;
    $('unban-form').hidden = !mod;
    // Members invite too where the room lets them.
    const inviter = !r.isDirect && (mod || r.membersInvite);
    $('invite-form').hidden = !inviter;
    this.v.inviteLinks.open(r, inviter);
    this.v.reports.open(r, mod);
    $('delete-room-btn').hidden = role !== 'owner';
    $('leave-btn').textContent = r.isDirect ? 'Leave conversation' : 'Leave room';
    $('room-name').value = r.name || '';
    $('room-topic-input').value = r.topic || '';
    $('room-passcode').value = '';
    $('room-nopass').checked = !r.passcode;
    $('room-capacity').value = r.capacity || '';
    $('room-visibility').value = r.visibility || 'public';
    $('room-members-invite').checked = r.membersInvite;
    for (const e of $('dlg-room').querySelectorAll('.error')) e.textContent = '';
    $('dlg-room').showModal();
  }

  leaveCurrent() {
    const id = this.v.current;
    if (!id) return;
    // Once left, the `removed` event says so where the room was.
    this.c.leave(id).catch((e) => {
      this.v.toast(e.code === 'owner_must_transfer' ? 'Hand the room over to someone first (Members → a member → Hand the room over), or delete it' : errorText(e.code, e.message));
    });
  }
}
