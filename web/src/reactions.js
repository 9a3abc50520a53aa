// The reaction picker: quick choices (emoji only) and free input (any emoji, or a :shortcode: the node maps to its
// emoji). A modal dialog on wider screens; on a phone a small popover beside the message, which Esc or a tap
// elsewhere closes. The main view (ui.js) hands itself in.

import { h, $, fill } from './dom.js';
import { QUICK_REACTIONS } from './emoji.js';

const PHONE = '(max-width: 600px)';
const GAP = 4;
const MARGIN = 8;

export class ReactPicker {
  constructor(view) {
    this.v = view;
    this.seq = null;
  }

  get dlg() {
    return $('dlg-react');
  }

  /** Shown and not modal: the phone's popover. */
  isPopover() {
    return this.dlg.open && !this.dlg.matches(':modal');
  }

  bind(on) {
    fill($('react-choices'), QUICK_REACTIONS.map((e) => h('button', {
      type: 'button', dataset: { emoji: e }, 'aria-label': `React with ${e}`,
    }, e)));
    on($('react-choices'), 'click', (ev) => {
      const b = ev.target.closest('button[data-emoji]');
      if (b) this.choose(b.dataset.emoji);
    });
    on($('react-form'), 'submit', (ev) => {
      ev.preventDefault();
      this.choose($('react-custom').value.trim());
    });
    // What a modal dialog does by itself, the popover does here.
    on(this.dlg, 'keydown', (ev) => {
      if (ev.key !== 'Escape' || !this.isPopover()) return;
      ev.preventDefault();
      ev.stopPropagation();
      this.dlg.close();
    });
    on(document, 'pointerdown', (ev) => {
      if (this.isPopover() && !this.dlg.contains(ev.target)) this.dlg.close();
    }, { capture: true });
  }

  choose(emoji) {
    if (emoji && this.v.current) this.v.c.react(this.v.current, this.seq, emoji);
    this.dlg.close();
  }

  /** Opens the picker for the message at `seq`; `anchor` is the control it was opened from. */
  open(seq, anchor) {
    const dlg = this.dlg;
    if (dlg.open) dlg.close();
    this.seq = seq;
    $('react-custom').value = '';
    const popover = !!anchor && window.matchMedia(PHONE).matches;
    dlg.classList.toggle('popover', popover);
    dlg.style.top = '';
    dlg.style.left = '';
    if (!popover) {
      dlg.showModal();
      return;
    }
    dlg.show();
    this.place(anchor);
    const first = $('react-choices').querySelector('button');
    if (first) first.focus();
  }

  /** Below the anchor, or above it when there is no room below; inside the viewport. */
  place(anchor) {
    const dlg = this.dlg;
    const a = anchor.getBoundingClientRect();
    const w = dlg.offsetWidth;
    const ht = dlg.offsetHeight;
    let top = a.bottom + GAP;
    if (top + ht > window.innerHeight - MARGIN) top = Math.max(MARGIN, a.top - ht - GAP);
    const left = Math.max(MARGIN, Math.min(a.right - w, window.innerWidth - w - MARGIN));
    dlg.style.top = `${Math.round(top)}px`;
    dlg.style.left = `${Math.round(left)}px`;
  }
}
