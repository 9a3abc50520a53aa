package parley.protocol;

import java.time.Instant;
import java.util.List;

/**
 * v1.2: {@code GET /api/v1/me/invites}: invitations waiting for the user's answer, oldest first. A group DM opened by
 * someone who shares no room with the user arrives as one: accepted, it joins the user to the room; declined, it goes.
 */
public record InviteList(List<Item> invites) {
  public InviteList {
    invites = List.copyOf(invites);
  }

  /** {@code room}: the room's id, name and kind ({@code group}); {@code from}: who invited; {@code at}: when. */
  public record Item(RoomRef room, String from, Instant at) {
    public Item {
      at = Json.millis(at);
    }
  }

  /** What an invitation shows of its room before the user is in it. */
  public record RoomRef(String id, String name, String kind) {}
}
