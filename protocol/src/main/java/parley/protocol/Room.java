package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A room in full. {@code kind} is {@code "room"} or {@code "dm"}; {@code passcode} says whether one is needed.
 * {@code topic} (v1.1): left out while there is none. {@code retention} and {@code floorSeq} (v1.1): how much history
 * the room keeps and the first seq it still has, left out while it keeps everything. {@code visibility} (v1.3, a
 * room's, not a DM's): {@code public}, {@code unlisted} or {@code private}. {@code membersInvite} (v1.4, a room's):
 * whether every member may invite, not only the owner and admins.
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
    @JsonInclude(JsonInclude.Include.NON_NULL)
    String topic,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    Retention retention,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    Long floorSeq,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    String visibility,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    Boolean membersInvite) {
  public Room(String id, String name, String kind, String owner, int capacity, boolean passcode, long lastSeq,
      List<Member> members, String topic, Retention retention, Long floorSeq, String visibility) {
    this(id, name, kind, owner, capacity, passcode, lastSeq, members, topic, retention, floorSeq, visibility, null);
  }

  public Room(String id, String name, String kind, String owner, int capacity, boolean passcode, long lastSeq,
      List<Member> members, String topic, Retention retention, Long floorSeq) {
    this(id, name, kind, owner, capacity, passcode, lastSeq, members, topic, retention, floorSeq, null);
  }

  public Room(String id, String name, String kind, String owner, int capacity, boolean passcode, long lastSeq,
      List<Member> members, String topic) {
    this(id, name, kind, owner, capacity, passcode, lastSeq, members, topic, null, null);
  }

  public Room(String id, String name, String kind, String owner, int capacity, boolean passcode, long lastSeq,
      List<Member> members) {
    this(id, name, kind, owner, capacity, passcode, lastSeq, members, null);
  }
}
