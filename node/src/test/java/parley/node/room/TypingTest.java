package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.delivery.RoomHub;
import parley.node.testkit.EntityTestKit;
import parley.protocol.Json;

/**
 * Typing in the room entity: relayed to the room's hubs, at most once per period per member however often their
 * devices say so, ended by a stop, a send, going offline or silence; refused to outsiders; never stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypingTest {
  private static final Duration RELAY_EVERY = Duration.ofMillis(400);
  private static final Duration EXPIRES_AFTER = Duration.ofMillis(1200);

  private ActorTestKit kit;
  private EventSourcedBehaviorTestKit<ChatRoom.Command, ChatRoom.Event, RoomState> room;
  private TestProbe<RoomHub.Command> hub;
  private TestProbe<ChatRoom.FrameRefused> refusals;

  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void roomOfAliceAndBobWithAHub() {
    seen.clear();
    ChatRoom.Settings settings = new ChatRoom.Settings(100, 100, 1000, RELAY_EVERY, EXPIRES_AFTER, 4);
    String id = "t" + UUID.randomUUID().toString().substring(0, 8);
    room = EventSourcedBehaviorTestKit.create(kit.system(), ChatRoom.create(id, settings, Clock.systemUTC()));
    room.<ChatRoom.CreateResult>runCommand(
        r -> new ChatRoom.Create("typing", ChatRoom.KIND_ROOM, "alice", null, 10, List.of(), r));
    room.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join("bob", null, r));
    hub = kit.createTestProbe();
    refusals = kit.createTestProbe();
    room.runCommand(new ChatRoom.SubscribeHub(hub.ref()));
    hub.expectMessageClass(RoomHub.Subscribed.class);
  }

  private void type(String user, boolean stop) {
    room.runCommand(new ChatRoom.Typing(user, stop, refusals.ref()));
  }

  /** Typing frames the hub was given and the test has not looked at yet. */
  private final java.util.ArrayDeque<RoomHub.Moment> seen = new java.util.ArrayDeque<>();

  /**
   * The next typing frame the hub gets, alone or riding with an entry (presence changes and entries pass by), as
   * the frame's JSON.
   */
  private JsonNode nextTyping(Duration within) {
    if (seen.isEmpty()) {
      hub.fishForMessage(within, m -> {
        List<RoomHub.Moment> moments = m instanceof RoomHub.Relay r ? r.moments()
            : m instanceof RoomHub.Deliver d ? d.moments() : List.of();
        seen.addAll(moments);
        return moments.isEmpty()
            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete();
      });
    }
    RoomHub.Moment moment = seen.removeFirst();
    try {
      JsonNode frame = Json.mapper().readTree(moment.frame());
      assertEquals(moment.from(), frame.get("username").asText());
      return frame;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Nothing more reaches the hub for {@code within}, and no typing frame the hub got is left unread. */
  private void noMoreTyping(Duration within) {
    assertTrue(seen.isEmpty(), "typing left unread: " + seen);
    hub.expectNoMessage(within);
  }

  private static boolean isStop(JsonNode frame) {
    return frame.path("stop").asBoolean(false);
  }

  @Test
  void aMemberWhoKeepsTypingIsRelayedOncePerPeriodAndAStopEndsItAtOnce() {
    for (int i = 0; i < 50; i++) {
      type("alice", false);
    }
    JsonNode started = nextTyping(Duration.ofSeconds(3));
    assertEquals("typing", started.get("type").asText());
    assertEquals("alice", started.get("username").asText());
    assertFalse(isStop(started));
    Instant expiresAt = Instant.parse(started.get("expiresAt").asText());
    assertTrue(expiresAt.isAfter(Instant.now().plus(EXPIRES_AFTER).minusMillis(500)), "expiresAt " + expiresAt);
    // Fifty frames, one relay: the rest of the burst fell inside the period.
    noMoreTyping(RELAY_EVERY.dividedBy(2));
    // Once the period is over, typing is relayed again with a later expiry.
    noMoreTyping(RELAY_EVERY);
    type("alice", false);
    JsonNode again = nextTyping(Duration.ofSeconds(3));
    assertTrue(Instant.parse(again.get("expiresAt").asText()).isAfter(expiresAt));

    type("alice", true);
    assertTrue(isStop(nextTyping(Duration.ofSeconds(3))));
    // A stop from someone not typing says nothing.
    type("bob", true);
    noMoreTyping(Duration.ofMillis(200));
    assertTrue(room.getState().exists());
    refusals.expectNoMessage(Duration.ZERO);
  }

  @Test
  void typingAndStopsInTurnAreRelayedAsOneStartAndOneStopPerPeriod() {
    for (int i = 0; i < 20; i++) {
      type("alice", false);
      type("alice", true);
    }
    assertFalse(isStop(nextTyping(Duration.ofSeconds(3))));
    assertTrue(isStop(nextTyping(Duration.ofSeconds(3))));
    noMoreTyping(RELAY_EVERY.dividedBy(2));
  }

  @Test
  void aMemberWhoLeavesStopsTyping() {
    type("bob", false);
    nextTyping(Duration.ofSeconds(3));
    room.<ChatRoom.LeaveResult>runCommand(r -> new ChatRoom.Leave("bob", r));
    assertTrue(isStop(nextTyping(Duration.ofSeconds(3))));
  }

  @Test
  void typingThatIsNotRenewedExpiresAndTheRoomSaysSo() {
    long start = System.nanoTime();
    type("bob", false);
    assertFalse(isStop(nextTyping(Duration.ofSeconds(3))));
    JsonNode ended = nextTyping(EXPIRES_AFTER.multipliedBy(3));
    assertTrue(isStop(ended));
    assertEquals("bob", ended.get("username").asText());
    assertTrue(System.nanoTime() - start >= EXPIRES_AFTER.toNanos(), "ended before its expiry");
  }

  @Test
  void aSendOrTheLastConnectionClosingEndsTyping() {
    type("alice", false);
    nextTyping(Duration.ofSeconds(3));
    room.<ChatRoom.PostResult>runCommand(r -> new ChatRoom.Post("alice", "m1", "done typing", r));
    assertTrue(isStop(nextTyping(Duration.ofSeconds(3))), "a send ends its sender's typing");

    room.runCommand(new ChatRoom.PresenceChanged("bob", true, null));
    type("bob", false);
    nextTyping(Duration.ofSeconds(3));
    room.runCommand(new ChatRoom.PresenceChanged("bob", false, Instant.now()));
    JsonNode ended = nextTyping(Duration.ofSeconds(3));
    assertTrue(isStop(ended));
    assertEquals("bob", ended.get("username").asText());
  }

  @Test
  void aBusyRoomRelaysAtMostItsBudgetOfStartsASecondAndThosePassedOverComeInLater() {
    ChatRoom.Settings settings = new ChatRoom.Settings(100, 100, 1000, RELAY_EVERY, EXPIRES_AFTER, 2);
    var busy = EventSourcedBehaviorTestKit.<ChatRoom.Command, ChatRoom.Event, RoomState>create(kit.system(),
        ChatRoom.create("b" + UUID.randomUUID().toString().substring(0, 8), settings, Clock.systemUTC()));
    busy.<ChatRoom.CreateResult>runCommand(
        r -> new ChatRoom.Create("busy", ChatRoom.KIND_ROOM, "alice", null, 10, List.of(), r));
    List<String> others = List.of("bob", "carol", "dave", "erin");
    others.forEach(u -> busy.<ChatRoom.JoinResult>runCommand(r -> new ChatRoom.Join(u, null, r)));
    TestProbe<RoomHub.Command> busyHub = kit.createTestProbe();
    busy.runCommand(new ChatRoom.SubscribeHub(busyHub.ref()));
    busyHub.expectMessageClass(RoomHub.Subscribed.class);
    hub = busyHub;

    // Five start typing at once: the room's budget of two a second relays the first two.
    List.of("alice", "bob", "carol", "dave", "erin")
        .forEach(u -> busy.runCommand(new ChatRoom.Typing(u, false, refusals.ref())));
    assertEquals("alice", nextTyping(Duration.ofSeconds(3)).get("username").asText());
    assertEquals("bob", nextTyping(Duration.ofSeconds(3)).get("username").asText());
    // dave, never relayed, sends: his message goes out, and no stop for typing nobody was shown.
    busy.<ChatRoom.PostResult>runCommand(r -> new ChatRoom.Post("dave", "d1", "hi", r));
    busyHub.fishForMessage(Duration.ofSeconds(3), m -> m instanceof RoomHub.Relay r
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.fail("relayed " + r.moments())
        : m instanceof RoomHub.Deliver d
            ? d.moments().isEmpty() ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.fail("with the entry " + d.moments())
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    busyHub.expectNoMessage(Duration.ofMillis(300));
    // alice's and bob's typing expire (1.2 s on), after the budget's second: carol's next typing frame (clients
    // repeat it while the user types) finds room.
    JsonNode first = nextTyping(EXPIRES_AFTER.multipliedBy(3));
    JsonNode second = nextTyping(EXPIRES_AFTER.multipliedBy(3));
    assertTrue(isStop(first) && isStop(second), first + " " + second);
    busy.runCommand(new ChatRoom.Typing("carol", false, refusals.ref()));
    JsonNode carol = nextTyping(Duration.ofSeconds(3));
    assertEquals("carol", carol.get("username").asText());
    assertFalse(isStop(carol));
    refusals.expectNoMessage(Duration.ZERO);
  }

  @Test
  void outsidersAreRefusedAndNothingIsStored() {
    long lastSeq = room.getState().lastSeq;
    type("mallory", false);
    ChatRoom.FrameRefused refused = refusals.receiveMessage(Duration.ofSeconds(3));
    assertEquals("not_a_member", refused.code());
    room.<ChatRoom.LeaveResult>runCommand(r -> new ChatRoom.Leave("bob", r));
    type("bob", false);
    assertEquals("not_a_member", refusals.receiveMessage(Duration.ofSeconds(3)).code());
    hub.fishForMessage(Duration.ofSeconds(3), m -> m instanceof RoomHub.Deliver
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    // Typing took no seq: the only entry since is bob's leave.
    assertEquals(lastSeq + 1, room.getState().lastSeq);
    noMoreTyping(Duration.ofMillis(200));

    var dm = EventSourcedBehaviorTestKit.<ChatRoom.Command, ChatRoom.Event, RoomState>create(kit.system(),
        ChatRoom.create(ChatRoom.dmId("alice", "bob"), new ChatRoom.Settings(100, 100, 1000), Clock.systemUTC()));
    dm.runCommand(new ChatRoom.Typing("carol", false, refusals.ref()));
    assertEquals("no_such_room", refusals.receiveMessage(Duration.ofSeconds(3)).code());
  }
}
