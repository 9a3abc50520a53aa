// One room as the state model holds it (RoomState), and the kinds of entries a timeline has. Pure: no DOM, no
// timers, no network.

/** Entries a person counts as unread and that make a room "active": posts. */
export const POST_KINDS = new Set(['message', 'file']);
/** Entries that change another entry and are not shown as lines of their own. */
export const META_KINDS = new Set(['edit', 'delete', 'reaction']);
/** Entries shown as lines of the timeline. Kinds a later protocol adds are skipped. */
export const SHOWN_KINDS = new Set(['message', 'file', 'joined', 'left', 'account_closed', 'topic', 'renamed',
  'settings', 'visibility', 'who_invites', 'invited', 'kicked', 'banned', 'unbanned', 'role', 'retention', 'trimmed']);

export class RoomState {
  constructor(id) {
    this.id = id;
    this.name = null;
    this.kind = null;
    this.owner = null;
    this.topic = null;
    this.capacity = null;
    this.passcode = false;
    this.visibility = null;
    /** v1.4: whether every member may invite (a room's; false for DMs and rooms that keep it to admins). */
    this.membersInvite = false;
    this.unavailable = false;
    /** Newest seq known to exist. */
    this.lastSeq = 0;
    /** The user's read marker. */
    this.readSeq = 0;
    this.unread = 0;
    this.mentions = 0;
    /** Entries up to this seq are already in `unread` / `mentions` (from hello or counted here). */
    this.countedUpTo = 0;
    /** seq -> entry (every kind, meta entries too). */
    this.entries = new Map();
    /**
     * Stream position: every seq from runStart to cursor is held. Null while nothing of the room is held. This is
     * what the handshake's `after` names.
     */
    this.cursor = null;
    this.runStart = null;
    /** The lowest seq the room still has (retention). */
    this.floor = 1;
    /** History reaches back to the floor: nothing older to load. */
    this.atStart = false;
    /** username -> {username, role}; null until the room's details were read. */
    this.members = null;
    /** username -> {deliveredSeq, readSeq} */
    this.receipts = new Map();
    /** username -> expiry (local ms) */
    this.typing = new Map();
    /** ms since the epoch of the newest post, or of when the user came into the room. */
    this.lastActivity = 0;
    /** Bumped on every change a view shows. */
    this.rev = 0;
  }

  get isDirect() {
    return this.kind === 'dm' || this.kind === 'group';
  }

  /** Held entries above the gap-free run (a fetch or the socket will fill what is between). */
  hasGap() {
    if (this.cursor === null) return false;
    for (const seq of this.entries.keys()) if (seq > this.cursor) return true;
    return false;
  }

  /**
   * The entries of the gap-free run that are shown as lines, ascending by seq. A DM's or a group's joins are not:
   * everyone in one was put there when it was opened, so "carol joined" says nothing.
   */
  visibleEntries() {
    if (this.cursor === null) return [];
    return this.shownBetween(this.runStart, this.cursor);
  }

  /** The entries from `lo` to `hi` that are shown as lines (see visibleEntries), ascending by seq. */
  shownBetween(lo, hi) {
    const out = [];
    const direct = this.isDirect;
    for (let s = lo; s <= hi; s++) {
      const e = this.entries.get(s);
      if (e && SHOWN_KINDS.has(e.kind) && !(direct && e.kind === 'joined')) out.push(e);
    }
    return out;
  }

  /**
   * The stretch of held seqs without a hole that holds `seq`: {lo, hi, live}. `live` when it is the run the resume
   * cursor ends (what the socket extends); otherwise it is an island read around a seq far back (a search hit), which
   * joins the run once the seqs between are read. Null when `seq` is not held.
   */
  segmentAround(seq) {
    if (!this.entries.has(seq)) return null;
    if (this.cursor !== null && seq >= this.runStart && seq <= this.cursor) {
      return { lo: this.runStart, hi: this.cursor, live: true };
    }
    let lo = seq;
    let hi = seq;
    while (lo > this.floor && this.entries.has(lo - 1)) lo--;
    while (this.entries.has(hi + 1)) hi++;
    return { lo, hi, live: false };
  }

  hasMoreBefore() {
    return !this.atStart && (this.runStart === null || this.runStart > this.floor);
  }
}
