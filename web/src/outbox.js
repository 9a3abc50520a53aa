// What the client sends, and when: the outbox (kept across reloads), the typing and delivered throttles, the
// reconnect backoff and fresh clientMsgIds. Pure: no DOM, no timers, no network; time comes in as arguments.

/** A client tells the room it is typing at most this often. */
export const TYPING_EVERY_MS = 2000;
/** A client sends a room's delivered marker at most this often. */
export const DELIVERED_EVERY_MS = 1000;

// ---- outbox ---------------------------------------------------------------------------------------------------

/**
 * Sends not yet acknowledged, in the order they were made, each with its clientMsgId. Kept across reloads by the
 * client (`toJSON` / `Outbox.from`). An item: {clientMsgId, type: 'send'|'edit'|'delete'|'react', room, text?,
 * replyTo?, seq?, emoji?, createdAt, retryAt, failed?, error?}.
 */
export class Outbox {
  constructor(items = []) {
    this.items = items;
  }

  static from(json) {
    try {
      const arr = JSON.parse(json);
      if (!Array.isArray(arr)) return new Outbox();
      return new Outbox(arr.filter((i) => i && typeof i.clientMsgId === 'string' && typeof i.room === 'string'
        && ['send', 'edit', 'delete', 'react'].includes(i.type)));
    } catch {
      return new Outbox();
    }
  }

  toJSON() {
    return this.items;
  }

  add(item) {
    this.items.push({ retryAt: 0, createdAt: 0, ...item });
    return item;
  }

  get(clientMsgId) {
    return this.items.find((i) => i.clientMsgId === clientMsgId) || null;
  }

  remove(clientMsgId) {
    const i = this.items.findIndex((x) => x.clientMsgId === clientMsgId);
    if (i < 0) return null;
    return this.items.splice(i, 1)[0];
  }

  /** Items to (re)send now: not failed, not waiting for a retry time. */
  due(now) {
    return this.items.filter((i) => !i.failed && (i.retryAt || 0) <= now);
  }

  /** The earliest retry time still ahead, or null. */
  nextRetry(now) {
    let t = null;
    for (const i of this.items) if (!i.failed && i.retryAt > now && (t === null || i.retryAt < t)) t = i.retryAt;
    return t;
  }

  /** An error frame with `ref` = clientMsgId: retry later (rate_limited, unavailable) or give up. */
  refused(clientMsgId, code, message, retryAfterMs, now) {
    const i = this.get(clientMsgId);
    if (!i) return null;
    if (code === 'rate_limited' || code === 'unavailable') {
      i.retryAt = now + (typeof retryAfterMs === 'number' ? retryAfterMs : 1000);
    } else {
      i.failed = true;
      i.error = message || code;
      i.code = code;
    }
    return i;
  }

  pendingIn(roomId) {
    return this.items.filter((i) => i.room === roomId && i.type === 'send');
  }

  get size() {
    return this.items.filter((i) => !i.failed).length;
  }
}

// ---- throttles ------------------------------------------------------------------------------------------------

/**
 * When to send typing frames for one room: a start at most every 2 s while the input changes and holds a
 * message, a stop when it is cleared after a start. `input(text, now)` returns 'start', 'stop' or null. The 2 s
 * run on across a send and a stop, as the server's relay period does (a start sooner would be dropped there).
 */
export class TypingThrottle {
  constructor(every = TYPING_EVERY_MS) {
    this.every = every;
    this.lastStart = null;
    this.active = false;
  }

  input(text, now) {
    const typing = text.trim().length > 0 && !(text.startsWith('/') && !text.startsWith('/me ') && !text.startsWith('//'));
    if (typing) {
      if (this.lastStart === null || now - this.lastStart >= this.every) {
        this.lastStart = now;
        this.active = true;
        return 'start';
      }
      return null;
    }
    if (this.active) {
      this.active = false;
      return 'stop';
    }
    return null;
  }

  /** The message was sent: the server ends the typing itself. */
  sent() {
    this.active = false;
  }
}

/**
 * `delivered` frames: per room, at most once a second, only when the room's held seq moved past what was sent.
 * `due(rooms, now)` returns [{room, seq}] to send now and remembers them; `nextAt(now)` when to look again.
 */
export class DeliveredThrottle {
  constructor(every = DELIVERED_EVERY_MS) {
    this.every = every;
    this.sent = new Map(); // room -> {seq, at}
  }

  due(rooms, now) {
    const out = [];
    for (const r of rooms) {
      if (r.cursor === null) continue;
      const s = this.sent.get(r.id);
      if (s && s.seq >= r.cursor) continue;
      if (s && now - s.at < this.every) continue;
      this.sent.set(r.id, { seq: r.cursor, at: now });
      out.push({ room: r.id, seq: r.cursor });
    }
    return out;
  }

  /** Rooms whose held seq moved but were sent less than a second ago: when the earliest may go. */
  nextAt(rooms, now) {
    let t = null;
    for (const r of rooms) {
      if (r.cursor === null) continue;
      const s = this.sent.get(r.id);
      if (s && s.seq < r.cursor) {
        const at = s.at + this.every;
        if (t === null || at < t) t = Math.max(at, now);
      }
    }
    return t;
  }

  /** After a reconnect the server knows the markers already; nothing need be forgotten. */
  forget(roomId) {
    this.sent.delete(roomId);
  }
}

/** Reconnect delay for the n-th attempt (0-based): 0.5 s doubling up to 30 s, with jitter of up to half. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(30000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base / 2 + (base / 2) * random());
}

/** A fresh clientMsgId: `w-` and 24 hex digits from the browser's random source. */
export function newClientMsgId(randomBytes) {
  const b = randomBytes(12);
  return 'w-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
