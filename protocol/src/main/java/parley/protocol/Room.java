package parley.protocol;

import java.util.List;

/**
 * A room in full. {@code kind} is {@code "room"} or {@code "dm"}; {@code passcode} says whether one is needed.
 * {@code topic} (v1.1): left out while there is none.
 */
public record Room(
    String id,
    String name,
    String kind,
    String owner,
    int capacity,
    boolean passcode,
    long lastSeq,
    List<Member> members,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    String topic) {
  public Room(String id, String name, String kind, String owner, int capacity, boolean passcode, long lastSeq,
      List<Member> members) {
    this(id, name, kind, owner, capacity, passcode, lastSeq, members, null);
  }
}
