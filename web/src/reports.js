// Reports (v1.4), in the view: a member reports someone else's message from its actions (with an optional reason);
// the room dialog of the owner and admins lists the open reports, each with the message as the room has it now, and
// resolves them: dismiss, delete the message, kick or ban its sender. The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { cleanText, errorText, excerpt } from './format.js';

export class ReportsView {
  constructor(view) {
    this.v = view;
    this.s = view.s;
  }

  bind(on) {
    on($('report-list'), 'click', this.v.guard($('report-section'), async (ev) => {
      const b = ev.target.closest('button[data-resolve]');
      if (!b) return;
      const { resolve, report } = b.dataset;
      if ((resolve === 'ban' || resolve === 'kick') && !confirm(`${resolve === 'ban' ? 'Ban' : 'Kick'} ${b.dataset.sender}?`)) return;
      const room = this.v.current;
      await this.v.api.resolveReport(room, report, resolve);
      this.v.announce(resolve === 'dismiss' ? 'Report dismissed' : `Done: ${resolve}`);
      await this.load(room);
    }));
  }

  /** From a message's actions: asks why (optional), then files the report. */
  async report(seq) {
    const why = prompt('Report this message to the room\'s owner and admins. Why? (optional; its writer is not told)');
    if (why === null) return;
    try {
      await this.v.api.report(this.v.current, seq, why.trim() || undefined);
      this.v.toast('Reported to the room\'s owner and admins');
    } catch (e) {
      this.v.toast(errorText(e.code, e.message));
    }
  }

  /** The room dialog opens: the queue shows for the owner and admins of a room. */
  open(room, mod) {
    $('report-section').hidden = !mod || room.isDirect;
    if (!$('report-section').hidden) this.load(room.id);
  }

  async load(roomId) {
    const list = $('report-list');
    try {
      const res = await this.v.api.reports(roomId);
      if (this.v.current !== roomId) return;
      fill(list, res.reports.length ? res.reports.map((r) => this.item(r))
        : h('li', { class: 'muted small' }, 'No open reports'));
    } catch (e) {
      fill(list, h('li', { class: 'error', text: errorText(e.code, e.message) }));
    }
  }

  item(r) {
    const m = r.message;
    const said = !m || m.deleted ? '(deleted)' : m.kind === 'file' ? '(a file)' : excerpt(cleanText(m.text || ''), 140);
    const sender = cleanText(r.sender);
    const text = `${sender}: “${said}” — reported by ${cleanText(r.reporter)}${r.reason ? ': ' + cleanText(r.reason) : ''}`;
    const button = (act, label, cls) => h('button', {
      type: 'button', class: cls, dataset: { resolve: act, report: r.id, sender },
      'aria-label': `${label}: ${text}`,
    }, label);
    return h('li', { class: 'report' },
      h('p', { class: 'report-text', text }),
      h('div', { class: 'report-actions' },
        button('dismiss', 'Dismiss'),
        button('delete', 'Delete message'),
        button('kick', 'Kick'),
        button('ban', 'Ban', 'danger')));
  }
}
