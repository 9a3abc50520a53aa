// The open room's timeline, in the view: its rows kept in step with the state (timeline-rows.js draws them), where
// the view stays (at the newest line, or where the user scrolled to), older history as the user scrolls up, the New
// messages line and the jumps to it and to the newest, the read marker moved once the user has seen the end, the
// actions on a message (reply, edit, delete, react, retry), and who is typing. A jump to a line far back (a search hit,
// a reply's original) shows the lines read around it, an island apart from the newest ones, which grows as the user
// scrolls either way and becomes the room's timeline again when it reaches them (or on Newest). The main view
// (ui.js) hands itself in.

import { $, reconcile } from './dom.js';
import { buildRows, typingText } from './format.js';
import { timelineRows, makeRow } from './timeline-rows.js';
import { ReactPicker } from './reactions.js';

const NEAR_BOTTOM = 48;

export class TimelineView {
  constructor(view) {
    this.v = view;
    this.c = view.c;
    this.s = view.s;
    this.newLineAfter = null;
    this.placeNewLine = false;
    this.rowCache = new Map();
    this.stick = true;
    this.loadingOlder = false;
    this.loadingNewer = false;
    /** A seq the view holds on outside the run of newest lines (see RoomState.segmentAround), or null. */
    this.island = null;
    this.picker = new ReactPicker(view);
    /** Messages of blocked users the user chose to see ("room:seq"). */
    this.revealed = new Set();
  }

  bind(on) {
    const tl = $('timeline');
    on(tl, 'scroll', () => this.onScroll(), { passive: true });
    on(tl, 'click', (ev) => this.onClick(ev));
    on($('jump-newest'), 'click', () => this.jumpNewest());
    on($('jump-unread'), 'click', () => this.jumpUnread());
    this.picker.bind(on);
  }

  /** Another room is open: none of the last one's rows stay, and the New messages line goes at the read marker. */
  reset(id) {
    this.rowCache.clear();
    this.island = null;
    $('timeline').replaceChildren();
    this.newLineAfter = this.s.newLineAfter(id);
    this.placeNewLine = this.newLineAfter !== null;
    this.stick = !this.placeNewLine;
  }

  /**
   * The client opened the room (its details, receipts, and its newest page if none was held): the New messages line
   * goes at the read marker once that is known, older pages are read down to it when it is at most 400 entries back,
   * unless the view goes to `seq` (a jump: what is around it is read instead).
   */
  async opened(id, wasHeld, seq) {
    if (this.v.current !== id) return;
    if (!wasHeld && this.newLineAfter === null) {
      this.newLineAfter = this.s.newLineAfter(id);
      this.placeNewLine = this.newLineAfter !== null;
      this.stick = !this.placeNewLine;
    }
    const room = this.s.rooms.get(id);
    if (seq === null && room && this.newLineAfter !== null && room.runStart > this.newLineAfter + 1
      && room.lastSeq - this.newLineAfter <= 400) {
      await this.c.ensureLoaded(id, this.newLineAfter);
    }
    if (seq !== null) await this.scrollToSeq(seq);
    this.v.schedule();
  }

  /** Shows the line at `seq` in the middle of the view, with the lines around it, read first if not held. */
  async scrollToSeq(seq) {
    const id = this.v.current;
    const seg = await this.c.loadAround(id, seq).catch(() => null);
    if (this.v.current !== id) return;
    if (!seg) {
      this.v.toast('That message is no longer in the room');
      return;
    }
    this.island = seg.live ? null : seq;
    this.stick = false;
    this.placeNewLine = false;
    this.v.render();
    const el = $('timeline').querySelector(`[data-seq="${Number(seq)}"]`);
    if (el) {
      el.scrollIntoView({ block: 'center' });
      el.classList.add('flash');
      setTimeout(() => el.classList.remove('flash'), 1600);
      el.focus({ preventScroll: true });
    }
  }

  /** Back to the newest line, with no New messages line: the user wrote, or marked the room read. */
  follow() {
    this.island = null;
    this.newLineAfter = null;
    this.stick = true;
  }

  /** The island in view ({lo, hi, moreBefore}), or null when the view is the run of newest lines. */
  islandOf(r) {
    if (this.island === null) return null;
    const seg = r.segmentAround(this.island);
    // Joined to the run, or gone (a reset, retention): the view is the run again.
    if (!seg || seg.live) {
      this.island = null;
      return null;
    }
    return { lo: seg.lo, hi: seg.hi, moreBefore: seg.lo > r.floor, loadingNewer: this.loadingNewer };
  }

  render() {
    const r = this.s.rooms.get(this.v.current);
    const tl = $('timeline');
    const now = new Date();
    const win = this.islandOf(r);
    const entries = win ? r.shownBetween(win.lo, win.hi) : r.visibleEntries();
    const rows = timelineRows(this.s, r, buildRows(entries, {
      newLineAfter: this.newLineAfter, runStart: win ? win.lo : r.runStart,
    }), { loadingOlder: this.loadingOlder, canModerate: this.canModerate(), today: now.toDateString(), island: win,
      revealed: this.revealed });
    let anchorKey = null;
    let anchorOff = 0;
    if (!this.stick) {
      const top = tl.scrollTop;
      for (const el of tl.children) {
        if (el.offsetTop + el.offsetHeight > top) {
          anchorKey = el.dataset.key;
          anchorOff = el.offsetTop - top;
          break;
        }
      }
    }
    const ctx = {
      state: this.s, now, roomName: this.s.displayName(r), fileUrl: (id) => this.v.api.fileUrl(id),
      onMediaLoad: () => { if (this.stick) tl.scrollTop = tl.scrollHeight; },
    };
    reconcile(tl, rows, (row) => makeRow(row, ctx), this.rowCache);
    if (this.placeNewLine) {
      const line = $('new-line');
      if (line) {
        this.placeNewLine = false;
        tl.scrollTop = Math.max(0, line.offsetTop - 24);
        this.stick = this.atBottom();
      } else if (r.cursor !== null && !this.c.loading.size) {
        this.placeNewLine = false;
        this.stick = true;
      }
    }
    if (this.stick) tl.scrollTop = tl.scrollHeight;
    else if (anchorKey !== null) {
      const a = this.rowCache.get(anchorKey);
      if (a) tl.scrollTop = a.el.offsetTop - anchorOff;
    }
    this.updateJumps();
    // Not enough to scroll yet: fetch older until the view is full or the room's start is reached.
    if (tl.scrollHeight <= tl.clientHeight + 50) {
      if (win) {
        this.loadOlder();
        this.loadNewer();
      } else if (r.cursor !== null && r.hasMoreBefore()) this.loadOlder();
    }
    this.maybeMarkRead();
  }

  updateJumps() {
    const tl = $('timeline');
    $('jump-newest').hidden = this.island === null && this.atBottom();
    let showUnread = false;
    if (this.newLineAfter !== null) {
      const line = $('new-line');
      showUnread = !line || line.offsetTop < tl.scrollTop;
    }
    $('jump-unread').hidden = !showUnread;
  }

  renderTyping() {
    const names = this.s.typers(this.v.current, Date.now());
    const text = typingText(names);
    const el = $('typing');
    if (el.textContent !== text) el.textContent = text;
  }

  // ---- scrolling and reading ----------------------------------------------------------------------------------

  atBottom() {
    const tl = $('timeline');
    return tl.scrollHeight - tl.scrollTop - tl.clientHeight <= NEAR_BOTTOM;
  }

  onScroll() {
    const tl = $('timeline');
    // The end of an island is not the room's end: the view does not follow new lines there.
    this.stick = this.island === null && this.atBottom();
    if (tl.scrollTop < 400) this.loadOlder();
    if (this.island !== null && tl.scrollHeight - tl.scrollTop - tl.clientHeight < 400) this.loadNewer();
    this.updateJumps();
    this.maybeMarkRead();
  }

  loadOlder() {
    const r = this.s.rooms.get(this.v.current);
    if (!r || this.loadingOlder) return;
    const win = this.islandOf(r);
    if (win ? !win.moreBefore : !r.hasMoreBefore()) return;
    this.loadingOlder = true;
    const id = this.v.current;
    (win ? this.c.loadIslandBefore(id, win.lo) : this.c.loadOlder(id)).finally(() => {
      this.loadingOlder = false;
      if (this.v.current === id) this.v.schedule();
    });
  }

  /** The lines after the island, towards the newest ones. */
  loadNewer() {
    const r = this.s.rooms.get(this.v.current);
    const win = r && this.islandOf(r);
    if (!win || this.loadingNewer) return;
    this.loadingNewer = true;
    const id = this.v.current;
    this.c.loadIslandAfter(id, win.hi).finally(() => {
      this.loadingNewer = false;
      if (this.v.current === id) this.v.schedule();
    });
  }

  maybeMarkRead() {
    if (!this.v.current || this.island !== null || document.visibilityState !== 'visible' || !document.hasFocus()) return;
    if (!this.atBottom()) return;
    this.c.markRead(this.v.current);
  }

  markAllRead() {
    if (!this.v.current) return;
    this.follow();
    this.c.markRead(this.v.current);
    this.v.render();
  }

  jumpNewest() {
    this.island = null;
    this.stick = true;
    this.v.render();
    $('composer-input').focus();
  }

  async jumpUnread() {
    if (this.newLineAfter === null) return;
    await this.c.ensureLoaded(this.v.current, this.newLineAfter);
    this.v.render();
    const line = $('new-line');
    if (line) {
      this.stick = false;
      $('timeline').scrollTop = Math.max(0, line.offsetTop - 24);
      this.updateJumps();
    }
  }

  // ---- a message's actions ------------------------------------------------------------------------------------

  onClick(ev) {
    const b = ev.target.closest('[data-act]');
    const art = ev.target.closest('article');
    if (!b) {
      if (art && window.matchMedia('(hover: none)').matches) {
        // One toolbar at a time: a tap on another message moves it there.
        for (const other of $('timeline').querySelectorAll('.msg.show-actions')) if (other !== art) other.classList.remove('show-actions');
        art.classList.toggle('show-actions');
      }
      return;
    }
    const seq = art && art.dataset.seq ? Number(art.dataset.seq) : null;
    switch (b.dataset.act) {
      case 'reply': this.v.composer.setMode({ type: 'reply', seq }); break;
      case 'edit': this.v.composer.startEdit(seq); break;
      case 'delete':
        if (confirm('Delete this message for everyone?')) this.c.remove(this.v.current, seq);
        break;
      case 'react': this.picker.open(seq, b); break;
      case 'report': this.v.reports.report(seq); break;
      case 'chip': this.c.react(this.v.current, seq, b.dataset.emoji); break;
      case 'jump': this.scrollToSeq(Number(b.dataset.target)); break;
      case 'reveal':
        this.revealed.add(this.v.current + ':' + seq);
        this.render();
        break;
      case 'retry': this.c.retry(art.dataset.clientMsgId); break;
      case 'discard': this.c.discard(art.dataset.clientMsgId); break;
      default: break;
    }
  }

  canModerate() {
    const role = this.s.myRole(this.v.current);
    return role === 'owner' || role === 'admin';
  }
}
