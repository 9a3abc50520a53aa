package parley.protocol;

import java.util.List;

/** {@code GET /api/v1/rooms}: every room a user may browse (DMs excluded). */
public record RoomListing(List<Entry> rooms) {
  /** One room: member and online counts, whether a passcode is needed, the capacity. */
  public record Entry(String id, String name, int members, int online, boolean passcode, int capacity) {}
}
