package parley.protocol;

import java.util.List;

/**
 * {@code GET /api/v1/rooms}: one page of the rooms a user may browse (DMs excluded), sorted by name; {@code next} is
 * the cursor of the page after it ({@code ?after=<next>}), null on the last page.
 */
public record RoomListing(List<Entry> rooms, String next) {
  public RoomListing(List<Entry> rooms) {
    this(rooms, null);
  }

  /** One room: member and online counts, whether a passcode is needed, the capacity. */
  public record Entry(String id, String name, int members, int online, boolean passcode, int capacity) {}
}
