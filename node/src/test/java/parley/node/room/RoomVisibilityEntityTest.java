package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.Secrets;
import parley.node.testkit.EntityTestKit;
import parley.node.testkit.InMemory;

/**
 * The room entity's visibility and invitations (v1.3): who a private room admits, what an invitation lets past, when
 * it ends, and that all of it survives a restart.
 */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomVisibilityEntityTest {
  private ActorTestKit kit;
  private ChatRoom.Settings settings;
  private EventSourcedBehaviorTestKit<ChatRoom.Command, ChatRoom.Event, RoomState> room;

  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
    settings = ChatRoom.Settings.fromConfig(kit.system().settings().config());
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void freshRoom() {
    String roomId = "r" + UUID.randomUUID().toString().substring(0, 8);
    room = EventSourcedBehaviorTestKit.create(kit.system(), ChatRoom.create(roomId, settings, Clock.systemUTC()));
  }

  private ChatRoom.RoomView create(String visibility, String passcodeHash) {
    var result = room.<ChatRoom.CreateResult>runCommand(r -> new ChatRoom.Create("plans", ChatRoom.KIND_ROOM, "alice",
        passcodeHash, 1000, List.of(), r, List.of(), visibility));
    return ((ChatRoom.Created) result.reply()).room();
  }

  private ChatRoom.JoinResult join(String user, String passcode) {
    return room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join(user, passcode, r)).reply();
  }

  private ChatRoom.ModerationResult invite(String by, String whom) {
    return room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Invite(by, whom, r)).reply();
  }

  private static String code(Object result) {
    return assertInstanceOf(ChatRoom.Rejected.class, result).code();
  }

  @Test
  void aPrivateRoomAdmitsTheInvitedOnlyAndTheInvitationEndsWithTheJoin() {
    assertEquals("private", create("private", null).visibility());
    assertEquals("no_such_room", code(join("eve", null)), "not invited: no room at all");
    assertEquals("no_such_room", code(room.<ChatRoom.GetResult>runCommand(r -> new ChatRoom.Get("eve", r)).reply()));
    assertEquals("no_such_room", code(room.<ChatRoom.GetResult>runCommand(
        r -> new ChatRoom.GetSummary("eve", r)).reply()));

    var invited = room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Invite("alice", "bob", r));
    var entry = assertInstanceOf(TimelineEntry.Invited.class, invited.event().entry());
    assertEquals("alice", entry.sender());
    assertEquals("bob", entry.user());
    assertTrue(invited.state().info.invited().contains("bob"));
    assertInstanceOf(ChatRoom.RoomView.class, invite("alice", "bob"));
    assertEquals(0, room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Invite("alice", "bob", r))
        .events().size(), "the same invitation again writes nothing");

    assertInstanceOf(ChatRoom.Joined.class, join("bob", null));
    assertFalse(room.getState().info.invited().contains("bob"), "a join ends the invitation");
    assertEquals("forbidden", code(invite("bob", "carol")), "a member who is not an admin invites nobody");
    assertEquals("already_a_member", code(invite("alice", "bob")));

    room.restart();
    assertEquals("private", room.getState().info.visibility());
    assertTrue(room.getState().isMember("bob"));
    assertEquals("no_such_room", code(join("eve", null)));
  }

  @Test
  void anInvitationLetsPastThePasscodeAndAKickOrABanEndsIt() {
    create("public", Secrets.hashPassword("open-sesame", 4));
    assertEquals("passcode_required", code(join("bob", null)));
    invite("alice", "bob");
    assertInstanceOf(ChatRoom.Joined.class, join("bob", null), "invited: no passcode asked");

    invite("alice", "carol");
    room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Moderate("alice", "ban", "carol", null, r));
    assertFalse(room.getState().info.invited().contains("carol"), "a ban ends the invitation");
    assertEquals("forbidden", code(invite("alice", "carol")), "banned: unban first");
    assertEquals("banned", code(join("carol", null)), "and a banned user is still kept out");
  }

  @Test
  void aVisibilityChangeIsAnEntryAndARoomHoldsAThousandInvitationsUnanswered() {
    create(null, null);
    assertEquals("public", room.getState().info.visibility(), "a room made without one is public");
    var changed = room.<ChatRoom.ModerationResult>runCommand(r -> new ChatRoom.Change("alice", null, null, false, null,
        null, r, null, "unlisted"));
    assertEquals("unlisted", assertInstanceOf(TimelineEntry.Visibility.class, changed.event().entry()).visibility());
    assertEquals("unlisted", ((ChatRoom.RoomView) changed.reply()).visibility());

    for (int i = 0; i < RoomInfo.INVITED_MAX; i++) {
      String whom = "user" + i;
      assertInstanceOf(ChatRoom.RoomView.class, invite("alice", whom));
    }
    var full = invite("alice", "one-more");
    assertEquals("room_invites_full", code(full));
    assertEquals("the room has 1000 invitations unanswered (the most it keeps)",
        ((ChatRoom.Rejected) full).message());
    assertInstanceOf(ChatRoom.Joined.class, join("user7", null));
    assertInstanceOf(ChatRoom.RoomView.class, invite("alice", "one-more"), "a join made room for one more");

    room.restart();
    assertEquals(RoomInfo.INVITED_MAX, room.getState().info.invited().size());
    assertEquals("unlisted", room.getState().info.visibility());
  }
}
