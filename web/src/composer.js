// The composer, in the view: the input holding the room's draft, Enter to send, a reply or an edit (Up edits the
// last own message), @-completion, the slash commands, and files shared by button, paste or drop, with their
// progress. The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { mentionQuery, completeMention, excerpt, cleanText } from './format.js';

export class ComposerView {
  constructor(view) {
    this.v = view;
    this.c = view.c;
    this.s = view.s;
    this.mode = null; // {type: 'reply' | 'edit', seq}
    this.mention = null; // {items, index, start}
  }

  bind(on) {
    const input = $('composer-input');
    on(input, 'input', () => this.onInput());
    on(input, 'keydown', (ev) => this.onKey(ev));
    on(input, 'blur', () => setTimeout(() => this.closeMention(), 150));
    on($('composer'), 'submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    on($('compose-bar-cancel'), 'click', () => this.setMode(null));
    on($('attach-btn'), 'click', () => $('file-input').click());
    on($('file-input'), 'change', (ev) => {
      for (const f of ev.target.files) this.c.upload(this.v.current, f);
      ev.target.value = '';
    });
    on(input, 'paste', (ev) => {
      const files = ev.clipboardData && ev.clipboardData.files;
      if (files && files.length && this.v.current) {
        ev.preventDefault();
        for (const f of files) this.c.upload(this.v.current, f);
      }
    });
    const room = $('room');
    let depth = 0;
    on(room, 'dragenter', (ev) => {
      if (!this.v.current || !hasFiles(ev)) return;
      depth++;
      $('drop-zone').hidden = false;
    });
    on(room, 'dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) $('drop-zone').hidden = true;
    });
    on(room, 'dragover', (ev) => {
      if (hasFiles(ev)) ev.preventDefault();
    });
    on(room, 'drop', (ev) => {
      depth = 0;
      $('drop-zone').hidden = true;
      if (!this.v.current || !ev.dataTransfer || !ev.dataTransfer.files.length) return;
      ev.preventDefault();
      for (const f of ev.dataTransfer.files) this.c.upload(this.v.current, f);
    });
    on($('uploads'), 'click', (ev) => {
      const b = ev.target.closest('button[data-upload]');
      if (b) this.c.cancelUpload(b.dataset.upload);
    });
  }

  /** Another room is open: its draft is in the input, and no reply, edit or completion carries over. */
  reset(id) {
    const input = $('composer-input');
    this.setMode(null);
    input.value = this.c.draft(id);
    this.autosize();
    this.closeMention();
  }

  // ---- reply and edit -----------------------------------------------------------------------------------------

  setMode(mode) {
    const wasEdit = this.mode && this.mode.type === 'edit';
    this.mode = mode;
    const bar = $('compose-bar');
    if (!mode) {
      bar.hidden = true;
      // An edit borrowed the input: the room's draft comes back to it.
      if (wasEdit && this.v.current) {
        $('composer-input').value = this.c.draft(this.v.current);
        this.autosize();
      }
      return;
    }
    const r = this.s.rooms.get(this.v.current);
    const e = r && r.entries.get(mode.seq);
    bar.hidden = false;
    fill($('compose-bar-text'), mode.type === 'edit' ? 'Editing your message'
      : `Replying to ${e ? e.sender + ': ' + excerpt(e.text, 60) : '#' + mode.seq}`, h('span', { class: 'key-hint', text: ' · Esc to cancel' }));
    $('composer-input').focus();
  }

  startEdit(seq) {
    const r = this.s.rooms.get(this.v.current);
    const e = seq !== null ? r.entries.get(seq) : this.s.lastOwnMessage(this.v.current);
    if (!e || e.sender !== this.s.me || e.deleted || e.kind !== 'message') return false;
    this.setMode({ type: 'edit', seq: e.seq });
    const input = $('composer-input');
    input.value = e.text;
    this.autosize();
    input.setSelectionRange(input.value.length, input.value.length);
    return true;
  }

  autosize() {
    const input = $('composer-input');
    input.style.height = '';
    // Hidden (no layout yet) or one line: leave it to the stylesheet.
    if (!input.value || input.scrollHeight <= input.clientHeight) return;
    input.style.height = Math.min(input.scrollHeight + 2, 240) + 'px';
  }

  onInput() {
    const input = $('composer-input');
    this.autosize();
    if (this.v.current && (!this.mode || this.mode.type !== 'edit')) {
      this.c.inputChanged(this.v.current, input.value);
      this.c.setDraft(this.v.current, input.value);
    }
    this.updateMention();
  }

  onKey(ev) {
    if (ev.isComposing) return;
    const input = $('composer-input');
    if (this.mention) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const n = this.mention.items.length;
        this.mention.index = (this.mention.index + (ev.key === 'ArrowDown' ? 1 : -1) + n) % n;
        this.renderMention();
        return;
      }
      if (ev.key === 'Enter' || ev.key === 'Tab') {
        ev.preventDefault();
        this.chooseMention(this.mention.index);
        return;
      }
      if (ev.key === 'Escape') {
        ev.preventDefault();
        ev.stopPropagation();
        this.closeMention();
        return;
      }
    }
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      this.submit();
    } else if (ev.key === 'ArrowUp' && !ev.altKey && input.value === '' && !this.mode) {
      if (this.startEdit(null)) ev.preventDefault();
    } else if (ev.key === 'Escape') {
      if (this.mode) {
        ev.preventDefault();
        ev.stopPropagation();
        if (this.mode.type === 'edit') {
          input.value = '';
          this.autosize();
        }
        this.setMode(null);
      }
    }
  }

  // ---- @-completion -------------------------------------------------------------------------------------------

  updateMention() {
    const input = $('composer-input');
    const q = mentionQuery(input.value, input.selectionStart);
    if (!q || !this.v.current) return this.closeMention();
    const items = this.s.mentionCandidates(this.v.current, q.prefix);
    if (!items.length) return this.closeMention();
    this.mention = { items, index: 0, start: q.start };
    this.renderMention();
  }

  renderMention() {
    const list = $('mention-list');
    const input = $('composer-input');
    fill(list, this.mention.items.map((name, i) => h('li', {
      id: 'mention-opt-' + i, role: 'option', 'aria-selected': i === this.mention.index ? 'true' : 'false',
      onmousedown: (ev) => {
        ev.preventDefault();
        this.chooseMention(i);
      },
    }, '@' + name)));
    list.hidden = false;
    // No aria-expanded: a textarea (role textbox) may not have it; the active option is enough to follow.
    input.setAttribute('aria-activedescendant', 'mention-opt-' + this.mention.index);
  }

  chooseMention(i) {
    const input = $('composer-input');
    const name = this.mention.items[i];
    const r = completeMention(input.value, this.mention.start, input.selectionStart, name);
    input.value = r.text;
    input.setSelectionRange(r.caret, r.caret);
    if (!this.mode || this.mode.type !== 'edit') this.c.setDraft(this.v.current, input.value);
    this.closeMention();
    input.focus();
  }

  closeMention() {
    this.mention = null;
    $('mention-list').hidden = true;
    $('composer-input').removeAttribute('aria-activedescendant');
  }

  // ---- sending and commands -----------------------------------------------------------------------------------

  submit() {
    const input = $('composer-input');
    const text = input.value;
    if (!this.v.current || !text.trim()) return;
    const room = this.v.current;
    const mode = this.mode;
    if (mode && mode.type === 'edit') {
      const e = this.s.rooms.get(room).entries.get(mode.seq);
      if (e && e.text !== text) this.c.edit(room, mode.seq, text);
    } else if (text.startsWith('/') && !text.startsWith('//') && !text.startsWith('/me ')) {
      if (!this.command(text)) return;
    } else {
      const body = text.startsWith('//') ? text.slice(1) : text;
      this.c.send(room, body, mode && mode.type === 'reply' ? mode.seq : undefined);
      this.v.timeline.follow();
    }
    // Tell the room we stopped typing (the send ends it on the server too).
    this.c.inputChanged(room, '');
    if (!mode || mode.type !== 'edit') this.c.setDraft(room, '');
    input.value = '';
    this.autosize();
    this.setMode(null);
    this.closeMention();
    this.v.render();
  }

  command(text) {
    const [cmd, ...rest] = text.trim().split(/\s+/);
    const arg = rest.join(' ');
    const fail = (e) => this.v.toast(e.message || String(e));
    switch (cmd) {
      case '/join':
        if (!rest[0]) return this.v.toast('Usage: /join room-id [passcode]'), false;
        this.c.join(rest[0], rest.slice(1).join(' ') || undefined).catch((e) => this.v.sidebar.askPasscode(rest[0], e))
          .then((r) => r && this.v.openRoom(r.id), fail);
        return true;
      case '/leave':
        this.v.room.leaveCurrent();
        return true;
      case '/dm':
      case '/msg':
      case '/query':
        if (!rest[0]) return this.v.toast('Usage: /dm username'), false;
        this.c.openDm(rest[0]).then((r) => {
          this.v.openRoom(r.id);
          if (cmd === '/msg' && rest.length > 1) this.c.send(r.id, rest.slice(1).join(' '));
        }, fail);
        return true;
      case '/topic':
        this.v.api.updateRoom(this.v.current, { topic: arg }).then((r) => this.s.applyRoomDetails(r), fail);
        return true;
      case '/help':
        this.v.toast('Enter sends · Shift+Enter new line · Up edits your last message · Alt+↑/↓ rooms · Ctrl+K jump · Esc marks read · /me, /join, /leave, /dm, /topic · // sends a line starting with /');
        return true;
      default:
        this.v.toast(`Unknown command ${cmd}: start the line with // to send it as text`);
        return false;
    }
  }

  // ---- files --------------------------------------------------------------------------------------------------

  renderUploads() {
    const ups = [...this.c.uploads.values()].filter((u) => u.room === this.v.current);
    const el = $('uploads');
    fill(el, ups.map((u) => {
      const pct = u.size ? Math.floor((u.sent / u.size) * 100) : 0;
      const label = u.state === 'failed' ? `not shared: ${u.error}` : u.state === 'waiting' ? 'waiting to retry…' : `${pct}%`;
      return h('div', { class: 'upload', dataset: { upload: u.id, state: u.state } },
        h('span', { class: 'upload-name', text: cleanText(u.name) }),
        h('progress', { max: String(u.size || 1), value: String(u.sent), 'aria-label': `Uploading ${cleanText(u.name)}` }),
        h('span', { class: 'muted', text: label }),
        h('button', { type: 'button', class: 'icon-btn', dataset: { upload: u.id }, 'aria-label': u.state === 'uploading' ? 'Cancel upload' : 'Dismiss' }, '✕'));
    }));
  }
}

function hasFiles(ev) {
  return ev.dataTransfer && [...ev.dataTransfer.types].includes('Files');
}
