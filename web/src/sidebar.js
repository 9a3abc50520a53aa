// The sidebar, in the view: the rooms, then the DMs and groups (unread and mention badges, presence dots), the
// drawer it becomes at narrow widths, and the ways to a room: New room, Browse (search, join, a passcode asked for),
// New DM, Alt+Up/Down. Its invitations are invites.js; the Ctrl+K box that jumps to a room or a message is search.js.
// The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';

export class SidebarView {
  constructor(view) {
    this.v = view;
    this.c = view.c;
    this.s = view.s;
    this.browseNext = null;
  }

  bind(on) {
    on($('sidebar'), 'click', (ev) => {
      const b = ev.target.closest('button[data-room]');
      if (b) this.v.openRoom(b.dataset.room);
    });
    on($('nav-toggle'), 'click', () => this.toggleNav());
    on($('nav-backdrop'), 'click', () => this.toggleNav(false));

    // New room
    on($('new-room-btn'), 'click', () => {
      $('create-form').reset();
      $('dlg-create').querySelector('.error').textContent = '';
      $('dlg-create').showModal();
    });
    on($('create-form'), 'submit', this.v.guard($('dlg-create'), async () => {
      const cap = $('create-capacity').value ? Number($('create-capacity').value) : undefined;
      const r = await this.c.createRoom($('create-name').value.trim(), $('create-passcode').value || undefined, cap, $('create-visibility').value);
      $('dlg-create').close();
      this.v.openRoom(r.id);
    }));

    // Browse
    on($('browse-btn'), 'click', () => {
      $('dlg-browse').querySelector('.error').textContent = '';
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
    on($('browse-list'), 'click', this.v.guard($('dlg-browse'), async (ev) => {
      const b = ev && ev.target.closest && ev.target.closest('button[data-join]');
      if (!b) return;
      if (this.s.rooms.has(b.dataset.join)) {
        $('dlg-browse').close();
        this.v.openRoom(b.dataset.join);
        return;
      }
      if (b.dataset.passcode === 'true') return this.askPasscode(b.dataset.join);
      const r = await this.c.join(b.dataset.join).catch((e) => this.askPasscode(b.dataset.join, e));
      if (!r) return;
      $('dlg-browse').close();
      this.v.openRoom(r.id);
    }));
    on($('join-btn'), 'click', this.v.guard($('dlg-browse'), async () => {
      const id = $('join-id').value.trim();
      if (!id) throw new Error('Type a room id');
      const r = await this.c.join(id, $('join-passcode').value || undefined).catch((e) => this.askPasscode(id, e));
      if (!r) return;
      $('dlg-browse').close();
      $('join-passcode').value = '';
      this.v.openRoom(r.id);
    }));

    // DM
    on($('new-dm-btn'), 'click', () => {
      $('dm-form').reset();
      $('dlg-dm').querySelector('.error').textContent = '';
      $('dlg-dm').showModal();
    });
    on($('dm-form'), 'submit', this.v.guard($('dlg-dm'), async () => {
      const names = $('dm-users').value.split(/[\s,]+/).map((n) => n.trim().toLowerCase()).filter((n) => n && n !== this.s.me);
      if (!names.length) throw new Error('Type a username');
      const r = names.length === 1 ? await this.c.openDm(names[0]) : await this.c.openGroup([...new Set(names)]);
      $('dlg-dm').close();
      this.v.openRoom(r.id);
    }));
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

  moveRoom(delta) {
    const order = this.s.orderedRooms();
    if (!order.length) return;
    let i = order.findIndex((r) => r.id === this.v.current);
    i = i < 0 ? 0 : (i + delta + order.length) % order.length;
    this.v.openRoom(order[i].id);
  }

  render() {
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
    const cur = r.id === this.v.current;
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

  // ---- browsing and joining ------------------------------------------------------------------------

  /** The join form asks for the room's passcode; a refusal `e` other than passcode_required goes on as it is. */
  askPasscode(id, e = null) {
    if (e && e.code !== 'passcode_required') throw e;
    const dlg = $('dlg-browse');
    if (!dlg.open) {
      dlg.showModal();
      this.loadBrowse(false);
    }
    $('join-id').value = id;
    $('join-passcode').focus();
    dlg.querySelector('.error').textContent = 'This room needs a passcode: type it below and press Join';
    return null;
  }

  async loadBrowse(more) {
    const list = $('browse-list');
    if (!more) {
      this.browseNext = null;
      fill(list, h('li', { class: 'muted' }, 'Loading…'));
    }
    try {
      const res = await this.v.api.listRooms($('browse-q').value.trim() || undefined, more ? this.browseNext : undefined);
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
}
