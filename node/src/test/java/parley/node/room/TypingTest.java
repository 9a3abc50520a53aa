package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.EntityTestKit;
import parley.protocol.Json;
import parley.node.testkit.InMemory;

/**
 * Typing in the room entity: relayed to the room's hubs, at most once per period per member however often their
 * devices say so, ended by a stop, a send, going offline or silence; refused to outsiders; never stored.
 */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypingTest {
  private static final Duration RELAY_EVERY = Duration.ofMillis(400);
  private static final Duration EXPIRES_AFTER = Duration.ofMillis(1200);

  private ActorTestKit kit;
  private EventSourcedBehaviorTestKit<ChatRoom.Command, ChatRoom.Event, RoomState> room;
  private TestProbe<RoomNews> hub;
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
    hub.expectMessageClass(RoomNews.Subscribed.class);
  }

  private void type(String user, boolean stop) {
    room.runCommand(new ChatRoom.Typing(user, stop, refusals.ref()));
  }

  /** Typing frames the hub was given and the test has not looked at yet. */
  private final ArrayDeque<RoomNews.Moment> seen = new ArrayDeque<>();

  /**
   * The next typing frame the hub gets, alone or riding with an entry (presence changes and entries pass by), as
   * the frame's JSON.
   */
  private JsonNode nextTyping(Duration within) {
    if (seen.isEmpty()) {
      hub.fishForMessage(within, m -> {
        List<RoomNews.Moment> moments = m instanceof RoomNews.Relayed r ? r.moments()
            : m instanceof RoomNews.Delivered d ? d.moments() : List.of();
        seen.addAll(moments);
        return moments.isEmpty()
            ? FishingOutcomes.continueAndIgnore()
            : FishingOutcomes.complete();
      });
    }
    RoomNews.Moment moment = seen.removeFirst();
    try {
      JsonNode frame = Json.mapper().readTree(moment.frame());
      assertEquals(moment.from(), frame.get("username").asText());
      return frame;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * How many typing frames reached the hub before (or riding with) an entry {@code member} posts now, counting those
   * already seen and not yet read. The room relays in order, so the entry's delivery ends what came before it: an
   * absence is checked without guessing how long a busy machine takes to deliver.
   */
  private int typingBefore(String member) {
    String marker = "marker-" + UUID.randomUUID();
    room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send(member, marker, "marker", r));
    hub.fishForMessage(Duration.ofSeconds(3), m -> {
      seen.addAll(m instanceof RoomNews.Relayed r ? r.moments()
          : m instanceof RoomNews.Delivered d ? d.moments() : List.of());
      return m instanceof RoomNews.Delivered d && d.entry() instanceof TimelineEntry.Message sent && marker.equals(sent.clientMsgId())
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
    });
    return seen.size();
  }

  /** No typing frame reached the hub, or is left unread, before an entry {@code member} posts now. */
  private void noMoreTyping(String member) {
    assertEquals(0, typingBefore(member), "typing relayed: " + seen);
  }

  /** Periods of {@link #RELAY_EVERY} begun from {@code from} to {@code to} (System.nanoTime()). */
  private static long periods(long from, long to) {
    return 1 + (to - from) / RELAY_EVERY.toNanos();
  }

  private static boolean isStop(JsonNode frame) {
    return frame.path("stop").asBoolean(false);
  }

  @Test
  void aMemberWhoKeepsTypingIsRelayedOncePerPeriodAndAStopEndsItAtOnce() {
    Instant burstAt = Instant.now();
    long burst = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      type("alice", false);
    }
    long burstEnd = System.nanoTime();
    Instant burstEndAt = Instant.now();
    JsonNode started = nextTyping(Duration.ofSeconds(3));
    assertEquals("typing", started.get("type").asText());
    assertEquals("alice", started.get("username").asText());
    assertFalse(isStop(started));
    Instant expiresAt = Instant.parse(started.get("expiresAt").asText());
    // The expiry of a frame typed during the burst, however long a busy machine took over it.
    assertFalse(expiresAt.isBefore(burstAt.plus(EXPIRES_AFTER).truncatedTo(ChronoUnit.MILLIS)), "expiresAt " + expiresAt);
    assertFalse(expiresAt.isAfter(burstEndAt.plus(EXPIRES_AFTER)), "expiresAt " + expiresAt);
    // Fifty frames, one relay a period: the rest of the burst fell inside it (on a machine too busy to send fifty
    // frames within a period, one more for each period begun, and no more).
    int relays = 1 + typingBefore("bob");
    seen.clear();
    long allowed = periods(burst, burstEnd);
    assertTrue(relays <= allowed, relays + " relays of a burst that spanned " + allowed + " period(s)");
    // Typing repeated as a client repeats it is relayed again once the period is over, and not before, with a later
    // expiry.
    JsonNode again = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (again == null) {
      assertTrue(System.nanoTime() < deadline, "typing not relayed again within 10 s");
      type("alice", false);
      long typed = System.nanoTime();
      if (typingBefore("bob") > 0) {
        assertTrue(typed - burst >= RELAY_EVERY.toNanos(), "relayed again " + (typed - burst) / 1_000_000 + " ms on");
        again = nextTyping(Duration.ZERO);
      } else {
        LockSupport.parkNanos(RELAY_EVERY.toNanos() / 8); // a client repeats typing while the user types
      }
    }
    assertTrue(Instant.parse(again.get("expiresAt").asText()).isAfter(expiresAt));

    type("alice", true);
    assertTrue(isStop(nextTyping(Duration.ofSeconds(3))));
    // A stop from someone not typing says nothing.
    type("bob", true);
    noMoreTyping("alice");
    assertTrue(room.getState().exists());
    refusals.expectNoMessage(Duration.ZERO);
  }

  @Test
  void typingAndStopsInTurnAreRelayedAsOneStartAndOneStopPerPeriod() {
    long burst = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      type("alice", false);
      type("alice", true);
    }
    long burstEnd = System.nanoTime();
    assertFalse(isStop(nextTyping(Duration.ofSeconds(3))));
    assertTrue(isStop(nextTyping(Duration.ofSeconds(3))));
    // One start and one stop a period (on a machine too busy to send these within a period, a pair for each begun).
    int relays = 2 + typingBefore("bob");
    long allowed = periods(burst, burstEnd);
    assertTrue(relays <= 2 * allowed, relays + " relays of a burst that spanned " + allowed + " period(s): " + seen);
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
    room.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("alice", "m1", "done typing", r));
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
    TestProbe<RoomNews> busyHub = kit.createTestProbe();
    busy.runCommand(new ChatRoom.SubscribeHub(busyHub.ref()));
    busyHub.expectMessageClass(RoomNews.Subscribed.class);
    hub = busyHub;

    // Five start typing at once: the room's budget of two a second relays the first two.
    List.of("alice", "bob", "carol", "dave", "erin")
        .forEach(u -> busy.runCommand(new ChatRoom.Typing(u, false, refusals.ref())));
    assertEquals("alice", nextTyping(Duration.ofSeconds(3)).get("username").asText());
    assertEquals("bob", nextTyping(Duration.ofSeconds(3)).get("username").asText());
    // dave, never relayed, sends: his message goes out, and no stop for typing nobody was shown.
    busy.<ChatRoom.SendOutcome>runCommand(r -> new ChatRoom.Send("dave", "d1", "hi", r));
    busyHub.fishForMessage(Duration.ofSeconds(3), m -> m instanceof RoomNews.Relayed r
        ? FishingOutcomes.fail("relayed " + r.moments())
        : m instanceof RoomNews.Delivered d
            ? d.moments().isEmpty() ? FishingOutcomes.complete()
                : FishingOutcomes.fail("with the entry " + d.moments())
            : FishingOutcomes.continueAndIgnore());
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
    hub.fishForMessage(Duration.ofSeconds(3), m -> m instanceof RoomNews.Delivered
        ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore());
    // Typing took no seq: the only entry since is bob's leave.
    assertEquals(lastSeq + 1, room.getState().lastSeq);
    noMoreTyping("alice");

    var dm = EventSourcedBehaviorTestKit.<ChatRoom.Command, ChatRoom.Event, RoomState>create(kit.system(),
        ChatRoom.create(ChatRoom.dmId("alice", "bob"), new ChatRoom.Settings(100, 100, 1000), Clock.systemUTC()));
    dm.runCommand(new ChatRoom.Typing("carol", false, refusals.ref()));
    assertEquals("no_such_room", refusals.receiveMessage(Duration.ofSeconds(3)).code());
  }
}
