package parley.protocol;

/** A room as seen in one user's list: {@code unread = lastSeq - readSeq}. */
public record RoomSummary(String id, String name, String kind, long lastSeq, long readSeq, long unread) {}
