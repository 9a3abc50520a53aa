// The web client's state model: rooms, timelines keyed by seq, the outbox, receipts, typing, presence, unread and
// mention counts, and the resume cursor. Pure: no DOM, no timers, no network; time comes in as arguments. The
// client (client.js) feeds it frames and pages, the view (ui.js and its modules) reads it.
//
// ChatState is one object to its callers. This file holds its fields, hello and room summaries, the resume cursor,
// and the rooms' order and names; its other methods are grouped by concern in state-timeline.js,
// state-awareness.js and state-invites.js, and added to it at the end.

import { addMethods } from './methods.js';
import { RoomState } from './state-room.js';
import { Outbox } from './outbox.js';
import { timelineOps } from './state-timeline.js';
import { awarenessOps } from './state-awareness.js';
import { inviteOps } from './state-invites.js';

/** Most rooms a handshake's `after` may name. */
export const MAX_AFTER_ROOMS = 1000;

export class ChatState {
  constructor(username) {
    this.me = username;
    /** id -> RoomState */
    this.rooms = new Map();
    /** username -> {online, lastSeen, frameEpoch} */
    this.users = new Map();
    /** Counts presence frames' users; a room read answered after a frame about a user keeps the frame's state. */
    this.presenceEpoch = 0;
    /**
     * Unread notifications, as the node reads them: one is read once its room's read marker passes its seq. Those
     * known by room and seq (`_notes`, "room:seq" -> {room, seq}) are counted against the markers; `_older` are
     * the rest of hello's count, which only opening the inbox reads. See `notifications`.
     */
    this._notes = new Map();
    this._older = 0;
    this.outbox = new Outbox();
    /** clientMsgId -> {room, seq, sentAt}: sends acknowledged whose entry has not come yet. */
    this.acked = new Map();
    /** room id -> {room: {id, name, kind}, from, at}: invitations waiting for the user's answer. */
    this.invites = new Map();
    /**
     * Counts what frames and answers said of invitations; room id -> the count when one last said something of it.
     * A `GET /me/invites` asked before that is older than what it says of the room, and does not undo it.
     */
    this.inviteEpoch = 0;
    this.inviteMarks = new Map();
    /** Users the user blocks; null until read. */
    this.blocks = null;
  }

  room(id) {
    let r = this.rooms.get(id);
    if (!r) {
      r = new RoomState(id);
      this.rooms.set(id, r);
    }
    return r;
  }

  // ---- hello and room summaries ------------------------------------------------------------------------------

  /** Unread notifications: the Mentions badge. */
  get notifications() {
    let n = this._older;
    for (const note of this._notes.values()) {
      const r = this.rooms.get(note.room);
      if (r && note.seq > r.readSeq) n++;
    }
    return n;
  }

  /** A count with nothing known of which they are (hello's): only the inbox's read tells them apart. */
  set notifications(n) {
    this._older = Math.max(0, n);
    this._notes.clear();
  }

  /** A `notification` frame: unread until its room is read past it, on whichever device. */
  noteNotification(room, seq) {
    this._notes.set(room + ':' + seq, { room, seq });
  }

  /**
   * The inbox's newest page: its unread items are known by room and seq from now on; `total` is how many the node
   * counted unread (hello's count), of which those not on the page stay counted as they are.
   */
  applyInboxUnread(items, total = null) {
    let unread = 0;
    for (const n of items) {
      if (n.read) {
        this._notes.delete(n.room + ':' + n.seq);
      } else {
        this.noteNotification(n.room, n.seq);
        unread++;
      }
    }
    this._older = total === null ? 0 : Math.max(0, total - unread);
  }

  /**
   * Applies a `hello` frame (or `GET /me`): rooms missing from it are rooms the user left, and are dropped.
   * Returns the ids dropped.
   */
  applyHello(hello) {
    const seen = new Set();
    for (const s of hello.rooms || []) {
      seen.add(s.id);
      this.applySummary(s);
    }
    const removed = [];
    for (const id of [...this.rooms.keys()]) {
      if (!seen.has(id)) {
        this.dropRoom(id);
        removed.push(id);
      }
    }
    if (typeof hello.notifications === 'number') this.notifications = hello.notifications;
    return removed;
  }

  applySummary(s) {
    const r = this.room(s.id);
    if (s.unavailable) {
      r.unavailable = true;
      r.rev++;
      return r;
    }
    r.unavailable = false;
    if (s.name != null) r.name = s.name;
    if (s.kind != null) r.kind = s.kind;
    r.lastSeq = Math.max(r.lastSeq, s.lastSeq);
    r.readSeq = s.readSeq;
    r.unread = s.unread;
    r.mentions = s.mentions || 0;
    // Everything up to lastSeq is counted in the summary: entries the socket sends again are not counted twice.
    r.countedUpTo = Math.max(r.countedUpTo, s.lastSeq);
    r.rev++;
    return r;
  }

  /**
   * A `room_added` frame: the user is in the room now (joined on this or another device, a DM opened, an invitation
   * accepted). It sorts as active from now on. Returns {room, added}: added is false for a room already held.
   */
  applyRoomAdded(summary, now) {
    const added = !this.rooms.has(summary.id);
    const r = this.applySummary(summary);
    r.lastActivity = Math.max(r.lastActivity, now);
    if (this.invites.has(summary.id)) this.endInvite(summary.id);
    return { room: r, added };
  }

  /** A Room (GET /rooms/{id}, join, create, PATCH ...). `epochAtRequest`: presenceEpoch when it was asked for. */
  applyRoomDetails(room, epochAtRequest = Infinity) {
    const r = this.room(room.id);
    r.name = room.name;
    r.kind = room.kind;
    r.owner = room.owner;
    r.capacity = room.capacity;
    r.passcode = room.passcode;
    r.topic = room.topic || null;
    if (room.visibility) r.visibility = room.visibility;
    r.membersInvite = room.membersInvite === true;
    if (typeof room.floorSeq === 'number') r.floor = Math.max(r.floor, room.floorSeq);
    r.lastSeq = Math.max(r.lastSeq, room.lastSeq);
    r.unavailable = false;
    if (Array.isArray(room.members) && (room.members.length > 0 || !room.passcode)) {
      r.members = new Map();
      for (const m of room.members) {
        r.members.set(m.username, { username: m.username, role: m.role || (m.username === room.owner ? 'owner' : 'member') });
        const u = this.users.get(m.username);
        if (!u || u.frameEpoch === undefined || u.frameEpoch <= epochAtRequest) {
          this.users.set(m.username, { online: m.online, lastSeen: m.lastSeen, frameEpoch: u ? u.frameEpoch : undefined });
        }
      }
      // A read answered late is older than the entries held past its lastSeq: a newcomer seen join stays listed.
      if (typeof room.lastSeq === 'number') {
        const later = [...r.entries.keys()].filter((seq) => seq > room.lastSeq).sort((a, b) => a - b);
        for (const seq of later) this._applyMembership(r, r.entries.get(seq));
      }
    }
    r.rev++;
    return r;
  }

  /** The room was left, kicked from, deleted: what waited to be sent there can never go. */
  dropRoom(id) {
    for (const i of this.outbox.items.filter((x) => x.room === id)) this.outbox.remove(i.clientMsgId);
    for (const [k, a] of this.acked) if (a.room === id) this.acked.delete(k);
    return this.rooms.delete(id);
  }

  // ---- resume -------------------------------------------------------------------------------------------------

  /** The handshake's `after` value: each held room at its cursor, most active first, at most 1000. */
  resumeCursor() {
    const held = [...this.rooms.values()].filter((r) => r.cursor !== null);
    held.sort((a, b) => b.lastActivity - a.lastActivity);
    return held.slice(0, MAX_AFTER_ROOMS).map((r) => `${r.id}:${r.cursor}`).join(',');
  }

  /** Rooms in the sidebar's order: rooms first, then DMs and groups, each most recently active first. */
  orderedRooms() {
    const byActivity = (a, b) => b.lastActivity - a.lastActivity || b.lastSeq - a.lastSeq
      || (a.name || a.id).localeCompare(b.name || b.id);
    const all = [...this.rooms.values()];
    const rooms = all.filter((r) => !r.isDirect).sort(byActivity);
    const dms = all.filter((r) => r.isDirect).sort(byActivity);
    return rooms.concat(dms);
  }

  /** The name to show for a room: a DM by the other party, a group by the others. */
  displayName(r) {
    if (r.kind === 'dm' && r.id.startsWith('dm:')) {
      const [, a, b] = r.id.split(':');
      return a === this.me ? b : a;
    }
    if (r.kind === 'group' && r.members && r.members.size > 1) {
      // Who is in it now, as its member count says: not who was asked and declined, blocked or left.
      return [...r.members.keys()].filter((n) => n !== this.me).sort().join(', ');
    }
    if (r.kind === 'group' && r.name) {
      return r.name.split(', ').filter((n) => n !== this.me).join(', ') || r.name;
    }
    return r.name || r.id;
  }

  /**
   * A room as a sentence names it: "#staff", "bob" (a DM), "bob, carol" (a group); null while its name is not known
   * (a person is never shown a raw room id).
   */
  roomLabel(r) {
    if (!r) return null;
    if (r.kind === 'dm') return this.dmPeer(r);
    if (!r.name) return null;
    return r.kind === 'group' ? this.displayName(r) : '#' + r.name;
  }

  /** The other party of a DM, or null. */
  dmPeer(r) {
    if (r.kind !== 'dm' || !r.id.startsWith('dm:')) return null;
    const [, a, b] = r.id.split(':');
    return a === this.me ? b : a;
  }

  /** The user's own role in a room: owner, admin, member, or null. */
  myRole(roomId) {
    const r = this.rooms.get(roomId);
    if (!r || r.isDirect) return null;
    if (r.owner === this.me) return 'owner';
    const m = r.members && r.members.get(this.me);
    return m ? m.role : null;
  }
}

addMethods(ChatState, timelineOps, awarenessOps, inviteOps);
