package parley.protocol;

import java.util.List;

/**
 * v1.1: {@code GET /api/v1/rooms/{id}/receipts}: each member's delivered and read markers ({@code readSeq} null for a
 * member who hides it), sorted by username.
 */
public record RoomReceipts(List<Member> members) {
  public RoomReceipts {
    members = List.copyOf(members);
  }

  public record Member(String username, long deliveredSeq, Long readSeq) {}
}
