// What the client asks for message search: a page of hits, and the reads that show a hit in its room with the lines
// around it, and that extend that stretch until it joins the room's newest lines. Added to ChatClient (client.js)
// as methods; DOM-free like it.

import { SEARCH_LIMIT, AROUND, aroundQuery } from './search-model.js';

export const searchOps = {
  /**
   * `GET /search`: a page of hits, newest first or (`order: 'relevance'`) best first; `before` the next page's cursor;
   * `signal` cancels it.
   */
  search(q, { before = null, order = null, signal } = {}) {
    return this.d.api.search(q, { before, order, limit: SEARCH_LIMIT, signal });
  },

  /**
   * Reads the lines around `seq` unless they are held, and answers the stretch that holds it (RoomState.segmentAround),
   * or null when the seq is not there (removed by retention, or the room gone). The room's newest page is read first
   * when nothing of it is held, so the resume cursor stays at the newest lines and never at the hit's.
   */
  async loadAround(roomId, seq) {
    const s = this.state;
    let r = s.rooms.get(roomId);
    if (!r) return null;
    if (r.cursor === null) await this.loadNewest(roomId);
    r = s.rooms.get(roomId);
    if (r && !r.entries.has(seq) && seq >= r.floor) {
      await this.once(`${roomId}:around:${seq}`, () => this.fetchPage(roomId, 'around', AROUND, { after: aroundQuery(seq).after }));
    }
    r = s.rooms.get(roomId);
    if (!r) return null;
    // A hit newer than the run (its frame not here yet): the hole between is filled as any other.
    if (r.hasGap()) this.fillGap(roomId);
    return r.segmentAround(seq);
  },

  /** The page before an island's first seq `lo`; resolves to the number of entries added. */
  loadIslandBefore(roomId, lo) {
    return this.once(`${roomId}:island-before:${lo}`, () => this.fetchPage(roomId, 'around', AROUND, { before: lo })
      .then((p) => (p ? p.messages.length : 0), () => 0));
  },

  /** The page after an island's last seq `hi`, towards the run it joins; resolves to the number of entries added. */
  loadIslandAfter(roomId, hi) {
    return this.once(`${roomId}:island-after:${hi}`, () => this.fetchPage(roomId, 'around', AROUND, { after: hi })
      .then((p) => (p ? p.messages.length : 0), () => 0));
  },
};
