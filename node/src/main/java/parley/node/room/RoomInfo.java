package parley.node.room;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import parley.node.CborSerializable;

/**
 * What a room is: its name, kind, owner, passcode (its hash), capacity, when it was made, and who may find it.
 *
 * @param parties a group DM's people (who may join it again after leaving); null for other rooms
 * @param ownerGone the owner closed the account with nobody in the room to hand it to, so it keeps no owner for good
 *     (null before that, and in snapshots written before it was kept: see {@link RoomState#ownerOwed})
 * @param visibility a room's: {@link #PUBLIC} (listed, anyone joins), {@link #UNLISTED} (joined by its id) or
 *     {@link #PRIVATE} (joined by invitation only, and to anyone else as if it did not exist); null, as rooms made
 *     before it was kept, is public
 * @param invited who was invited and has not joined since: they may join whatever the visibility and the passcode
 * @param membersInvite (v1.4) true when every member may invite and make invite links, not only the owner and admins;
 *     null (as in rooms made before it was kept) is off
 */
public record RoomInfo(
    String name, String kind, String owner, String passcodeHash, int capacity, Instant createdAt,
    List<String> parties, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean ownerGone,
    @JsonInclude(JsonInclude.Include.NON_NULL) String visibility,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> invited,
    @JsonInclude(JsonInclude.Include.NON_NULL) Boolean membersInvite)
    implements CborSerializable {
  public static final String PUBLIC = "public";
  public static final String UNLISTED = "unlisted";
  public static final String PRIVATE = "private";
  public static final Set<String> VISIBILITIES = Set.of(PUBLIC, UNLISTED, PRIVATE);
  /** Most invitations a room holds unanswered; one more is refused with {@code room_invites_full}. */
  public static final int INVITED_MAX = 1_000;

  public RoomInfo {
    invited = invited == null ? List.of() : List.copyOf(invited);
  }

  public RoomInfo(String name, String kind, String owner, String passcodeHash, int capacity, Instant createdAt,
      List<String> parties, Boolean ownerGone, String visibility, List<String> invited) {
    this(name, kind, owner, passcodeHash, capacity, createdAt, parties, ownerGone, visibility, invited, null);
  }

  public RoomInfo(String name, String kind, String owner, String passcodeHash, int capacity, Instant createdAt) {
    this(name, kind, owner, passcodeHash, capacity, createdAt, null, null, null, null);
  }

  public RoomInfo(String name, String kind, String owner, String passcodeHash, int capacity, Instant createdAt,
      List<String> parties) {
    this(name, kind, owner, passcodeHash, capacity, createdAt, parties, null, null, null);
  }

  public RoomInfo(String name, String kind, String owner, String passcodeHash, int capacity, Instant createdAt,
      List<String> parties, Boolean ownerGone) {
    this(name, kind, owner, passcodeHash, capacity, createdAt, parties, ownerGone, null, null);
  }

  /** Public for a room made before visibility was kept; a DM's and a group DM's is private. */
  @Override
  public String visibility() {
    if (ChatRoom.isPrivate(kind)) {
      return PRIVATE;
    }
    return visibility == null ? PUBLIC : visibility;
  }

  /** Whether members who are not the owner or an admin may invite (v1.4); off unless the room turned it on. */
  boolean membersMayInvite() {
    return Boolean.TRUE.equals(membersInvite);
  }

  /** Whether an outsider is told the room does not exist, on every route: a DM, a group DM, a private room. */
  boolean hidden() {
    return PRIVATE.equals(visibility());
  }

  RoomInfo with(String newName, String newOwner, String newPasscodeHash, int newCapacity) {
    return new RoomInfo(newName, kind, newOwner, newPasscodeHash, newCapacity, createdAt, parties, ownerGone,
        visibility, invited, membersInvite);
  }

  RoomInfo withOwnerGone() {
    return new RoomInfo(name, kind, owner, passcodeHash, capacity, createdAt, parties, Boolean.TRUE, visibility,
        invited, membersInvite);
  }

  RoomInfo withVisibility(String newVisibility) {
    return new RoomInfo(name, kind, owner, passcodeHash, capacity, createdAt, parties, ownerGone, newVisibility,
        invited, membersInvite);
  }

  RoomInfo withMembersInvite(boolean on) {
    return new RoomInfo(name, kind, owner, passcodeHash, capacity, createdAt, parties, ownerGone, visibility,
        invited, on ? Boolean.TRUE : null);
  }

  /** The same room with {@code user} invited ({@code in}) or no longer ({@code in} false: they joined or were removed). */
  RoomInfo withInvited(String user, boolean in) {
    if (invited.contains(user) == in) {
      return this;
    }
    List<String> next = new java.util.ArrayList<>(invited);
    if (in) {
      next.add(user);
    } else {
      next.remove(user);
    }
    return new RoomInfo(name, kind, owner, passcodeHash, capacity, createdAt, parties, ownerGone, visibility, next,
        membersInvite);
  }
}
