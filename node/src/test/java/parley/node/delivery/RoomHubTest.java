package parley.node.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.EntityTestKit;
import parley.protocol.Member;
import parley.node.testkit.InMemory;

/** The node's hub, with probes for its sessions: how presence changes reach them. */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomHubTest {
  /** Long enough that the test's own back-to-back updates always fall inside one window. */
  private static final Duration WINDOW = Duration.ofSeconds(2);

  private ActorTestKit kit;

  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private static String room() {
    return "h" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The session's next presence batch; the room's answer to the hub's subscription (RoomSynced) may come first. */
  private static ClientSession.PresenceSeen nextPresence(TestProbe<ClientSession.Command> session) {
    while (true) {
      ClientSession.Command msg = session.receiveMessage(Duration.ofSeconds(10));
      if (msg instanceof ClientSession.PresenceSeen seen) {
        return seen;
      }
    }
  }

  private static List<Member> members(ClientSession.PresenceSeen seen) {
    return seen.changes().stream().map(ClientSession.PresenceChange::member).toList();
  }

  private static Member online(String user) {
    return new Member(user, true, null);
  }

  private ActorRef<RoomHub.Command> hub(Duration window) {
    return kit.spawn(RoomHub.create(Duration.ofSeconds(30), window));
  }

  /** A session's probe, following the rooms at the hub. */
  private TestProbe<ClientSession.Command> session(ActorRef<RoomHub.Command> hub, String... rooms) {
    TestProbe<ClientSession.Command> session = kit.createTestProbe();
    for (String room : rooms) {
      hub.tell(new RoomHub.Subscribe(room, session.ref()));
    }
    return session;
  }

  /** The room tells the hub that these members came online, one change each. */
  private static void cameOnline(ActorRef<RoomHub.Command> hub, String room, String... users) {
    for (String user : users) {
      hub.tell(new RoomHub.PresenceUpdate(room, user, true, null));
    }
  }

  @Test
  void aBurstOfComingsAndGoingsReachesASessionAsOneBatchAfterTheFirst() {
    ActorRef<RoomHub.Command> hub = hub(WINDOW);
    String room = room();
    TestProbe<ClientSession.Command> alice = session(hub, room);
    Instant left = Instant.parse("2026-11-22T10:00:00.123Z");
    long start = System.nanoTime();
    cameOnline(hub, room, "bob", "carol", "dave");
    hub.tell(new RoomHub.PresenceUpdate(room, "carol", false, left));

    ClientSession.PresenceSeen first = nextPresence(alice);
    assertEquals(List.of(online("bob")), members(first));
    assertNotNull(first.frame(), "a change that goes at once is rendered once, by the hub");
    ClientSession.PresenceSeen batch = nextPresence(alice);
    assertTrue(System.nanoTime() - start >= WINDOW.toNanos(), "the rest waits for the window to end");
    // Carol came and went within the window: she is told once, where she went, after dave.
    assertEquals(List.of(online("dave"), new Member("carol", false, left)), members(batch));
    // And nothing more of the burst: the next presence alice is told is a later change, alone.
    cameOnline(hub, room, "erin");
    assertEquals(List.of(online("erin")), members(nextPresence(alice)));
  }

  @Test
  void eachSessionHasItsOwnWindowAndOneBatchCoversAllItsRooms() {
    ActorRef<RoomHub.Command> hub = hub(WINDOW);
    String one = room();
    String two = room();
    TestProbe<ClientSession.Command> alice = session(hub, one, two);
    TestProbe<ClientSession.Command> bob = session(hub, one);
    cameOnline(hub, one, "carol");
    cameOnline(hub, two, "dave");
    cameOnline(hub, one, "erin");

    ClientSession.PresenceSeen aliceFirst = nextPresence(alice);
    ClientSession.PresenceSeen bobFirst = nextPresence(bob);
    assertEquals(List.of(online("carol")), members(aliceFirst));
    assertSame(aliceFirst, bobFirst, "one message, one rendered frame, for every session it goes to at once");
    assertEquals(List.of(online("dave"), online("erin")), members(nextPresence(alice)));
    assertEquals(List.of(online("erin")), members(nextPresence(bob)));
  }

  @Test
  void sessionsWhoseWindowsEndTogetherWithTheSameChangesShareOneRenderedBatch() {
    ActorRef<RoomHub.Command> hub = hub(WINDOW);
    String room = room();
    String other = room();
    TestProbe<ClientSession.Command> alice = session(hub, room);
    TestProbe<ClientSession.Command> bob = session(hub, room);
    TestProbe<ClientSession.Command> carol = session(hub, room, other);
    cameOnline(hub, room, "dave", "erin");
    cameOnline(hub, other, "frank");

    assertSame(nextPresence(alice), nextPresence(bob));
    assertEquals(List.of(online("dave")), members(nextPresence(carol)));
    // Alice's and Bob's windows opened on the same change and hold the same changes: one batch, framed by the hub.
    ClientSession.PresenceSeen aliceBatch = nextPresence(alice);
    ClientSession.PresenceSeen bobBatch = nextPresence(bob);
    assertEquals(List.of(online("erin")), members(aliceBatch));
    assertSame(aliceBatch, bobBatch);
    assertNotNull(aliceBatch.frame(), "a batch several sessions take is rendered once, by the hub");
    // Carol's window ended at the same time with more in it: a batch of her own, which her session frames.
    ClientSession.PresenceSeen carolBatch = nextPresence(carol);
    assertEquals(List.of(online("erin"), online("frank")), members(carolBatch));
    assertNull(carolBatch.frame(), "a batch one session takes is framed by that session");
  }

  @Test
  void aBatchHoldsOnlyWhatChangedSinceTheSessionsLastOne() {
    ActorRef<RoomHub.Command> hub = hub(Duration.ofMillis(300));
    String room = room();
    TestProbe<ClientSession.Command> alice = session(hub, room);
    cameOnline(hub, room, "bob", "carol");
    assertEquals(List.of(online("bob")), members(nextPresence(alice)));
    assertEquals(List.of(online("carol")), members(nextPresence(alice)));
    for (String user : List.of("dave", "erin", "frank")) {
      cameOnline(hub, room, user);
      assertEquals(List.of(online(user)), members(nextPresence(alice)));
    }
  }

  @Test
  void aSessionThatStopsFollowingARoomGetsNoneOfItsWaitingChanges() {
    ActorRef<RoomHub.Command> hub = hub(WINDOW);
    String room = room();
    String marker = room();
    TestProbe<ClientSession.Command> alice = session(hub, room);
    TestProbe<ClientSession.Command> bob = session(hub, room, marker);
    cameOnline(hub, room, "carol", "dave");
    assertSame(nextPresence(alice), nextPresence(bob));
    hub.tell(new RoomHub.Unsubscribe(room, bob.ref()));
    cameOnline(hub, room, "erin");

    assertEquals(List.of(online("dave"), online("erin")), members(nextPresence(alice)));
    // Alice's batch went out: one for Bob would have gone with it, before the marker. The room's answer to the hub's
    // subscription may still be among what Bob was told (it can come after the changes).
    List<ClientSession.Command> rest = toldBeforeMarker(hub, bob, marker);
    assertTrue(rest.stream().noneMatch(m -> m instanceof ClientSession.PresenceSeen), rest.toString());
  }

  /** A lane that takes the seqs it is told to and records what it took. */
  private static final class TakingLane implements Lane {
    final Set<Long> takes;
    final List<Long> taken = new CopyOnWriteArrayList<>();

    TakingLane(Long... takes) {
      this.takes = Set.of(takes);
    }

    @Override
    public boolean tryWrite(long seq, PreparedText frame, Moments moments) {
      if (!takes.contains(seq)) {
        return false;
      }
      taken.add(seq);
      return true;
    }

    @Override
    public boolean tryRelay(Moments moments) {
      return false;
    }
  }

  /** The next entry told to the session; the room's answer to the hub's subscription may come first. */
  private static ClientSession.Entry nextEntry(TestProbe<ClientSession.Command> session) {
    while (true) {
      ClientSession.Command msg = session.receiveMessage(Duration.ofSeconds(10));
      if (msg instanceof ClientSession.Entry entry) {
        return entry;
      }
    }
  }

  /**
   * What the session was told before a marker: an entry of {@code markerRoom} (which the session follows) delivered
   * now. The hub tells a session in the order it handles its own messages, so whatever it told the session before it
   * handled the marker is in the session's mailbox ahead of it: absence is proven by what comes first, not by a wait.
   */
  private static List<ClientSession.Command> toldBeforeMarker(ActorRef<RoomHub.Command> hub,
      TestProbe<ClientSession.Command> session, String markerRoom) {
    hub.tell(new RoomHub.Deliver(markerRoom, 1, "{\"marker\":1}"));
    List<ClientSession.Command> told = new ArrayList<>();
    while (true) {
      ClientSession.Command msg = session.receiveMessage(Duration.ofSeconds(30));
      if (msg instanceof ClientSession.Entry entry && entry.roomId().equals(markerRoom)) {
        return told;
      }
      told.add(msg);
    }
  }

  @Test
  void entriesGoThroughASessionsOpenLaneAndToTheSessionWhenTheLaneRefusesOrIsNotOpenYet() {
    ActorRef<RoomHub.Command> hub = hub(WINDOW);
    String room = room();
    String marker = room();
    TestProbe<ClientSession.Command> alice = session(hub, room, marker);
    TestProbe<ClientSession.Command> bob = session(hub, room);
    hub.tell(new RoomHub.Deliver(room, 1, "{\"seq\":1}"));
    assertEquals(1, nextEntry(alice).seq());
    assertEquals(1, nextEntry(bob).seq());

    // Alice's session follows the room now (its hello went out); Bob's does not yet.
    TakingLane lane = new TakingLane(2L, 4L);
    hub.tell(new RoomHub.OpenLane(room, alice.ref(), lane));
    hub.tell(new RoomHub.Deliver(room, 2, "{\"seq\":2}"));
    hub.tell(new RoomHub.Deliver(room, 3, "{\"seq\":3}"));
    hub.tell(new RoomHub.Deliver(room, 4, "{\"seq\":4}"));
    ClientSession.Entry refused = nextEntry(alice);
    assertEquals(3, refused.seq(), "the only one the lane refused");
    assertEquals("{\"seq\":3}", refused.frame().text());
    assertEquals(List.of(2L, 3L, 4L), List.of(nextEntry(bob).seq(), nextEntry(bob).seq(), nextEntry(bob).seq()));
    alice.awaitAssert(Duration.ofSeconds(30), () -> {
      assertEquals(List.of(2L, 4L), lane.taken);
      return null;
    });
    // Nothing the lane took went to Alice's session too: the marker comes before any such entry would.
    List<ClientSession.Command> rest = toldBeforeMarker(hub, alice, marker);
    assertTrue(rest.stream().noneMatch(m -> m instanceof ClientSession.Entry), rest.toString());
  }

  @Test
  void withNoWindowEveryChangeGoesAtOnce() {
    ActorRef<RoomHub.Command> hub = hub(Duration.ZERO);
    String room = room();
    TestProbe<ClientSession.Command> alice = session(hub, room);
    cameOnline(hub, room, "bob", "carol", "dave");
    for (String user : List.of("bob", "carol", "dave")) {
      assertEquals(List.of(online(user)), members(nextPresence(alice)));
    }
  }
}
