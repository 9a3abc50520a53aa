package parley.node.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.Secrets;
import parley.node.http.websocket.WebSocketUpgrades;
import parley.node.room.ChatRoom;
import parley.node.room.TimelineEntry;
import parley.node.room.History;
import parley.node.testkit.EntityTestKit;
import parley.node.user.UserAccount;
import parley.protocol.Json;
import parley.protocol.Member;
import parley.node.testkit.InMemory;
import parley.protocol.RoomSummary;
import parley.protocol.ServerFrame;

/** The session actor with a recording socket and a probe for the node's hub. */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientSessionTest {
  /** The socket as the session sees it: records frames, holds at most {@code capacity}. */
  static final class RecordingOutbound implements ClientSession.Outbound {
    final List<String> frames = new ArrayList<>();
    final int capacity;
    /** How many of the frames the client has read (they no longer take buffer space). */
    int read;
    volatile WebSocketUpgrades.Close closed;

    RecordingOutbound(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public synchronized boolean offer(PreparedText frame) {
      if (frames.size() - read >= capacity) {
        return false;
      }
      frames.add(frame.text());
      return true;
    }

    @Override
    public int capacity() {
      return capacity;
    }

    @Override
    public synchronized int free() {
      return capacity - frames.size() + read;
    }

    /** The client reads what is there: frames stay recorded, and the buffer has room again. */
    synchronized void readAll() {
      read = frames.size();
    }

    @Override
    public void close(int code, String reason) {
      closed = new WebSocketUpgrades.Close(code, reason);
    }

    synchronized List<JsonNode> parsed() {
      List<JsonNode> out = new ArrayList<>();
      for (String f : frames) {
        try {
          out.add(Json.mapper().readTree(f));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
      return out;
    }

    List<Long> seqs(String room) {
      return parsed().stream()
          .filter(n -> "message".equals(n.path("type").asText()) && room.equals(n.path("room").asText()))
          .map(n -> n.get("seq").asLong())
          .toList();
    }
  }

  private ActorTestKit kit;
  private ClusterSharding sharding;
  private History history;

  @BeforeAll
  void start() {
    // Sessions read history through History, whose journal side is JDBC, which this kit's in-memory journal does not
    // fill: every entry these tests read stays in its room's memory.
    kit = EntityTestKit.start(ConfigFactory.parseString("parley.room.recent-entries = 1000"));
    sharding = ClusterSharding.get(kit.system());
    history = new History(kit.system(), Duration.ofSeconds(5));
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private <R> R ask(String key, boolean room, Function<ActorRef<R>, ?> cmd) {
    var ref = room ? sharding.entityRefFor(ChatRoom.ENTITY_KEY, key) : null;
    if (room) {
      @SuppressWarnings("unchecked")
      var result = (R) ref.<R>ask(r -> (ChatRoom.Command) cmd.apply(r), Duration.ofSeconds(10)).toCompletableFuture().join();
      return result;
    }
    @SuppressWarnings("unchecked")
    var result = (R) sharding.entityRefFor(UserAccount.ENTITY_KEY, key)
        .<R>ask(r -> (UserAccount.Command) cmd.apply(r), Duration.ofSeconds(10)).toCompletableFuture().join();
    return result;
  }

  /** One room's journal, refusing every write and read while it is down, and counting what it refused. */
  private final class RoomJournal implements AutoCloseable {
    final AtomicBoolean down;
    final AtomicInteger refused = new AtomicInteger();
    final PersistenceTestKit journal = PersistenceTestKit.create(kit.system());

    RoomJournal(String room, boolean down) {
      String pid = ChatRoom.persistenceId(room).id();
      this.down = new AtomicBoolean(down);
      journal.withPolicy((persistenceId, operation) -> {
        if (this.down.get() && persistenceId.equals(pid)) {
          refused.incrementAndGet();
          return StorageFailure.create();
        }
        return ProcessingSuccess.getInstance();
      });
    }

    @Override
    public void close() {
      down.set(false);
      journal.resetPolicy();
    }
  }

  /** A registered user with a live token, a member of a new room with a few messages. */
  private record Fixture(String user, String token, String room) {}

  private Fixture fixture(int messages) {
    String user = "s" + UUID.randomUUID().toString().substring(0, 8);
    String room = "r" + UUID.randomUUID().toString().substring(0, 8);
    String token = Secrets.sha256(user);
    ask(user, false, r -> new UserAccount.Register("$2a$04$x", (ActorRef<UserAccount.Result>) (Object) r));
    ask(user, false, r -> new UserAccount.IssueToken(token, Instant.now().plusSeconds(3600), (ActorRef<UserAccount.Result>) (Object) r));
    ask(room, true, r -> new ChatRoom.Create("t", ChatRoom.KIND_ROOM, user, null, 10, List.of(), (ActorRef<ChatRoom.CreateResult>) (Object) r));
    ask(user, false, r -> new UserAccount.AddRoom(room, 1, (ActorRef<UserAccount.Result>) (Object) r));
    for (int i = 0; i < messages; i++) {
      int n = i;
      ask(room, true, r -> new ChatRoom.Send(user, "m" + n, "text " + n, (ActorRef<ChatRoom.SendOutcome>) (Object) r));
    }
    return new Fixture(user, token, room);
  }

  private ActorRef<ClientSession.Command> session(Fixture f, RecordingOutbound out, TestProbe<RoomHub.Command> hub) {
    return session(f, out, hub, Map.of());
  }

  /** A session whose handshake named {@code resumeAfter} (room to seq). */
  private ActorRef<ClientSession.Command> session(
      Fixture f, RecordingOutbound out, TestProbe<RoomHub.Command> hub, Map<String, Long> resumeAfter) {
    return kit.spawn(ClientSession.create(f.user(), f.token(), resumeAfter, out, hub.ref(), history,
        new ClientSession.Settings(Duration.ofSeconds(5))));
  }

  /** As the room's confirmation does through the hub: the session's room is followed, and hello is written. */
  private RoomHub.Subscribe followed(
      Fixture f, TestProbe<RoomHub.Command> hub, ActorRef<ClientSession.Command> session, RecordingOutbound out) {
    RoomHub.Subscribe subscribe = hub.expectMessageClass(RoomHub.Subscribe.class);
    session.tell(new ClientSession.RoomSynced(f.room(), 1));
    hub.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals("hello", out.parsed().get(0).get("type").asText());
      return null;
    });
    return subscribe;
  }

  /** A session that follows the fixture's room, and the lane it opened for it at the hub. */
  private record Following(ActorRef<ClientSession.Command> session, Lane lane) {}

  private Following following(Fixture f, RecordingOutbound out, TestProbe<RoomHub.Command> hub) {
    ActorRef<ClientSession.Command> session = session(f, out, hub);
    followed(f, hub, session, out);
    RoomHub.OpenLane open = hub.expectMessageClass(RoomHub.OpenLane.class);
    assertEquals(f.room(), open.roomId());
    assertEquals(session, open.session());
    return new Following(session, open.lane());
  }

  /** The client has been written exactly these seqs of the room, in this order. */
  private static void awaitSeqs(TestProbe<?> probe, RecordingOutbound out, String room, List<Long> seqs) {
    probe.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(seqs, out.seqs(room));
      return null;
    });
  }

  private static PreparedText frame(String room, long seq) {
    return PreparedText.of("{\"type\":\"message\",\"room\":\"" + room + "\",\"seq\":" + seq + ",\"kind\":\"message\",\"sender\":\"x\",\"text\":\"live\",\"sentAt\":null,\"clientMsgId\":\"l" + seq + "\"}");
  }

  @Test
  void helloFirstThenEveryEntryOnceInSeqOrderWhateverOrderTheyArriveIn() {
    Fixture f = fixture(2);
    RecordingOutbound out = new RecordingOutbound(1000);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = session(f, out, hub);
    RoomHub.Subscribe subscribe = followed(f, hub, session, out);
    assertEquals(f.room(), subscribe.roomId());
    JsonNode hello = out.parsed().get(0);
    assertEquals("hello", hello.get("type").asText());
    assertEquals(3, hello.get("rooms").get(0).get("lastSeq").asLong());
    assertTrue(!hello.get("rooms").get(0).has("unavailable"), hello.toString());

    // Three more messages are stored; the hub hands them over late, out of order and twice.
    for (int i = 2; i < 5; i++) {
      int n = i;
      ask(f.room(), true, r -> new ChatRoom.Send(f.user(), "m" + n, "text " + n, (ActorRef<ChatRoom.SendOutcome>) (Object) r));
    }
    session.tell(new ClientSession.Entry(f.room(), 6, frame(f.room(), 6)));
    session.tell(new ClientSession.Entry(f.room(), 4, frame(f.room(), 4)));
    session.tell(new ClientSession.Entry(f.room(), 6, frame(f.room(), 6)));
    session.tell(new ClientSession.Entry(f.room(), 3, frame(f.room(), 3)));
    awaitSeqs(hub, out, f.room(), List.of(4L, 5L, 6L));
  }

  @Test
  void theHubWritesTheNextSeqStraightToTheSocketAndLeavesEverythingElseToTheSession() {
    Fixture f = fixture(2);
    RecordingOutbound out = new RecordingOutbound(1000);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    Following following = following(f, out, hub);
    ActorRef<ClientSession.Command> session = following.session();
    Lane lane = following.lane();
    for (int i = 3; i < 6; i++) {
      int n = i;
      ask(f.room(), true, r -> new ChatRoom.Send(f.user(), "m" + n, "text " + n, (ActorRef<ChatRoom.SendOutcome>) (Object) r));
    }

    // Seq 4 is what the client expects next (hello said 3): it goes to the socket from the hub's thread.
    assertTrue(lane.tryWrite(4, frame(f.room(), 4)));
    assertEquals(List.of(4L), out.seqs(f.room()));
    // Neither a seq already written nor one past a gap: those are the session's (the hub tells it them).
    assertTrue(!lane.tryWrite(4, frame(f.room(), 4)));
    assertTrue(!lane.tryWrite(6, frame(f.room(), 6)));
    session.tell(new ClientSession.Entry(f.room(), 6, frame(f.room(), 6)));
    // The session fetches seq 5 and writes 6 after it; then the lane takes the next seq again.
    awaitSeqs(hub, out, f.room(), List.of(4L, 5L, 6L));
    ask(f.room(), true, r -> new ChatRoom.Send(f.user(), "m6", "text 6", (ActorRef<ChatRoom.SendOutcome>) (Object) r));
    assertTrue(lane.tryWrite(7, frame(f.room(), 7)));
    awaitSeqs(hub, out, f.room(), List.of(4L, 5L, 6L, 7L));

    // A room the user left: its lane takes nothing more, though the hub may still hold it.
    session.tell(new ClientSession.RoomRemoved(f.room()));
    assertEquals(f.room(), hub.expectMessageClass(RoomHub.Unsubscribe.class).roomId());
    assertTrue(!lane.tryWrite(8, frame(f.room(), 8)));
    assertEquals(List.of(4L, 5L, 6L, 7L), out.seqs(f.room()));
  }

  @Test
  void aFullSocketBufferIsTheSessionsToJudgeNotTheHubs() {
    // The lane refuses and writes nothing; the session, told the entry, closes with 1008 if it still does not fit.
    RecordingOutbound full = new RecordingOutbound(1);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    Fixture g = fixture(0);
    Following slow = following(g, full, hub);
    assertTrue(!slow.lane().tryWrite(2, frame(g.room(), 2)));
    assertEquals(List.of(), full.seqs(g.room()));
    full.readAll();
    assertTrue(slow.lane().tryWrite(2, frame(g.room(), 2)), "the same seq, once the client has read hello");
    assertEquals(List.of(2L), full.seqs(g.room()));
    assertTrue(!slow.lane().tryWrite(3, frame(g.room(), 3)));
    slow.session().tell(new ClientSession.Entry(g.room(), 3, frame(g.room(), 3)));
    hub.expectTerminated(slow.session(), Duration.ofSeconds(5));
    assertEquals(1008, full.closed.code());
  }

  @Test
  void whileAGapWaitsToBeFilledTheHubWritesNothingForTheRoom() {
    // Not even the seq that fills it: the session writes that from storage, then what it buffered. Here the socket's
    // buffer has too little room for a page, so the fetch waits.
    RecordingOutbound narrow = new RecordingOutbound(300);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    Fixture h = fixture(0);
    Following waiting = following(h, narrow, hub);
    waiting.session().tell(new ClientSession.Entry(h.room(), 3, frame(h.room(), 3)));
    // Written after the entry is handled (one mailbox, in order): then seq 3 waits in the cursor.
    waiting.session().tell(ClientSession.PresenceSeen.of(List.of(ClientSession.PresenceChange.of(new Member("bob", true, null)))));
    hub.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals("presence", narrow.parsed().get(narrow.parsed().size() - 1).get("type").asText());
      return null;
    });
    assertTrue(!waiting.lane().tryWrite(2, frame(h.room(), 2)), "seq 3 is buffered: 2 is the session's to write");
    assertEquals(List.of(), narrow.seqs(h.room()));
  }

  @Test
  void helloWaitsUntilTheHubFollowsTheRoomSoNoPresenceChangeAfterItIsLost() {
    // A room tells presence changes only to hubs it confirmed. Were hello written first, a member coming online
    // between hello and the room's confirmation would reach neither the client's member list (read after hello)
    // nor the connection.
    Fixture f = fixture(0);
    RecordingOutbound out = new RecordingOutbound(1000);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    // An ask timeout longer than the test: hello's deadline (which gives up on the hub) never comes into it.
    ActorRef<ClientSession.Command> session = kit.spawn(ClientSession.create(f.user(), f.token(), Map.of(), out,
        hub.ref(), history, new ClientSession.Settings(Duration.ofMinutes(10))));
    assertEquals(f.room(), hub.expectMessageClass(RoomHub.Subscribe.class).roomId());
    // Once the summaries are in, hello waits for the hub alone, and nothing is written.
    TestProbe<ClientSession.HelloWaits> waits = kit.createTestProbe();
    ClientSession.HelloWaits waiting = waits.awaitAssert(Duration.ofSeconds(60), Duration.ofMillis(50), () -> {
      session.tell(new ClientSession.AwaitingHello(waits.ref()));
      ClientSession.HelloWaits now = waits.receiveMessage(Duration.ofSeconds(30));
      assertFalse(now.waitsForSummaries(), "the summaries are in: " + now);
      return now;
    });
    assertFalse(waiting.sent());
    assertEquals(Set.of(f.room()), waiting.unconfirmedRooms(), "hello waits for the hub to follow the room");
    assertTrue(out.frames.isEmpty(), out.frames.toString());
    // An entry stored meanwhile is handed over live before hello: it comes after hello, from storage.
    ask(f.room(), true, r -> new ChatRoom.Send(f.user(), "early", "before hello", (ActorRef<ChatRoom.SendOutcome>) (Object) r));
    session.tell(new ClientSession.Entry(f.room(), 2, frame(f.room(), 2)));
    session.tell(new ClientSession.RoomSynced(f.room(), 2));
    session.tell(ClientSession.PresenceSeen.of(List.of(ClientSession.PresenceChange.of(new Member("bob", true, null)))));
    hub.awaitAssert(Duration.ofSeconds(5), () -> {
      List<String> told = out.parsed().stream()
          .map(n -> n.get("type").asText() + n.path("seq").asText(""))
          .toList();
      assertEquals("hello", told.get(0), told.toString());
      assertEquals(1L, out.parsed().get(0).get("rooms").get(0).get("lastSeq").asLong());
      assertTrue(told.containsAll(List.of("message2", "presence")), told.toString());
      assertEquals(List.of(2L), out.seqs(f.room()));
      return null;
    });
  }

  @Test
  void aRoomThatNeverConfirmsHoldsHelloNoLongerThanTheAskTimeout() {
    Fixture f = fixture(1);
    RecordingOutbound out = new RecordingOutbound(1000);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = kit.spawn(ClientSession.create(f.user(), f.token(), Map.of(), out,
        hub.ref(), history, new ClientSession.Settings(Duration.ofSeconds(1))));
    hub.expectMessageClass(RoomHub.Subscribe.class);
    hub.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals("hello", out.parsed().get(0).get("type").asText());
      return null;
    });
    // When the room does confirm (it moved, its node came back), what it stored meanwhile is filled in.
    ask(f.room(), true, r -> new ChatRoom.Send(f.user(), "late", "after hello", (ActorRef<ChatRoom.SendOutcome>) (Object) r));
    session.tell(new ClientSession.RoomSynced(f.room(), 3));
    awaitSeqs(hub, out, f.room(), List.of(3L));
  }

  @Test
  void aRoomThatDoesNotAnswerIsListedUnavailableAndItsEntriesStartWhereTheClientIs() throws Exception {
    // A user reconnects while one of their rooms cannot answer (its shard is moving, its node is down and not yet
    // replaced): here its journal fails every read and write until the room is let go.
    Fixture f = fixture(3);
    try (RoomJournal journal = new RoomJournal(f.room(), true)) {
      // The write fails, so the room's incarnation stops; every restart fails to read its timeline. Awaited: the
      // room takes a send now and writes it a moment later (its batch), and a summary asked in between was answered
      // by the incarnation still up, listing the room as available.
      TestProbe<ChatRoom.SendOutcome> lost = kit.createTestProbe();
      sharding.entityRefFor(ChatRoom.ENTITY_KEY, f.room()).tell(new ChatRoom.Send(f.user(), "lost", "never stored",
          lost.ref()));
      assertEquals("unavailable", lost.expectMessageClass(ChatRoom.SendRefused.class, Duration.ofSeconds(10)).code());
      // One connection names seq 3 in its handshake's after; another names nothing.
      RecordingOutbound resumed = new RecordingOutbound(1000);
      RecordingOutbound fresh = new RecordingOutbound(1000);
      TestProbe<RoomHub.Command> hub = kit.createTestProbe();
      ActorRef<ClientSession.Command> resumedSession = kit.spawn(ClientSession.create(f.user(), f.token(),
          Map.of(f.room(), 3L), resumed, hub.ref(), history, new ClientSession.Settings(Duration.ofSeconds(1))));
      ActorRef<ClientSession.Command> freshSession = kit.spawn(ClientSession.create(f.user(), f.token(),
          Map.of(), fresh, hub.ref(), history, new ClientSession.Settings(Duration.ofSeconds(1))));

      // Hello still lists the room (leaving it out would tell the client the user left it), as unavailable, at the
      // user's read marker.
      for (RecordingOutbound out : List.of(resumed, fresh)) {
        hub.awaitAssert(Duration.ofSeconds(10), () -> {
          assertEquals("hello", out.parsed().get(0).get("type").asText());
          return null;
        });
        JsonNode listed = out.parsed().get(0).get("rooms").get(0);
        RoomSummary room = Json.mapper().treeToValue(listed, RoomSummary.class);
        assertEquals(RoomSummary.unavailable(f.room(), 1), room, listed.toString());
      }

      // The room comes back: each connection gets what it has not seen, from storage, then the live entries.
      journal.down.set(false);
      awaitSeqs(hub, resumed, f.room(), List.of(4L));
      awaitSeqs(hub, fresh, f.room(), List.of(2L, 3L, 4L));
      ask(f.room(), true, r -> new ChatRoom.Send(f.user(), "back", "after the outage", (ActorRef<ChatRoom.SendOutcome>) (Object) r));
      for (ActorRef<ClientSession.Command> session : List.of(resumedSession, freshSession)) {
        session.tell(new ClientSession.Entry(f.room(), 5, frame(f.room(), 5)));
      }
      awaitSeqs(hub, resumed, f.room(), List.of(4L, 5L));
      awaitSeqs(hub, fresh, f.room(), List.of(2L, 3L, 4L, 5L));
    }
  }

  @Test
  void aResubscriptionThatReportsAHigherSeqFillsTheGapWithoutNewLiveEntries() {
    Fixture f = fixture(0);
    RecordingOutbound out = new RecordingOutbound(1000);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = session(f, out, hub);
    followed(f, hub, session, out);
    for (int i = 0; i < 3; i++) {
      int n = i;
      ask(f.room(), true, r -> new ChatRoom.Send(f.user(), "g" + n, "gap " + n, (ActorRef<ChatRoom.SendOutcome>) (Object) r));
    }
    // As when the room's entity restarted elsewhere: the hub learns the room is at seq 4.
    session.tell(new ClientSession.RoomSynced(f.room(), 4));
    awaitSeqs(hub, out, f.room(), List.of(2L, 3L, 4L));
  }

  @Test
  void aPresenceBatchTellsTheClientOnlyWhatItDoesNotKnowYet() {
    Fixture f = fixture(0);
    RecordingOutbound out = new RecordingOutbound(1000);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = session(f, out, hub);
    followed(f, hub, session, out);
    ClientSession.PresenceChange bob = ClientSession.PresenceChange.of(new Member("bob", true, null));
    Instant left = Instant.parse("2026-11-22T10:00:00.123Z");
    session.tell(ClientSession.PresenceSeen.of(List.of(bob)));
    // Bob again (he shares a second room with the user), the user themselves, and carol, who left.
    session.tell(new ClientSession.PresenceSeen(List.of(
        bob,
        ClientSession.PresenceChange.of(new Member(f.user(), true, null)),
        ClientSession.PresenceChange.of(new Member("carol", false, left))), null));
    session.tell(new ClientSession.PresenceSeen(List.of(bob), null));
    session.tell(new ClientSession.PresenceSeen(
        List.of(ClientSession.PresenceChange.of(new Member("bob", false, left))), null));
    hub.awaitAssert(Duration.ofSeconds(5), () -> {
      List<String> told = out.parsed().stream()
          .filter(n -> "presence".equals(n.path("type").asText()))
          .map(n -> n.get("members").toString())
          .toList();
      assertEquals(List.of(
          "[{\"username\":\"bob\",\"online\":true,\"lastSeen\":null}]",
          "[{\"username\":\"carol\",\"online\":false,\"lastSeen\":\"2026-11-22T10:00:00.123Z\"}]",
          "[{\"username\":\"bob\",\"online\":false,\"lastSeen\":\"2026-11-22T10:00:00.123Z\"}]"), told);
      return null;
    });
  }

  @Test
  void aPresenceFramePutTogetherFromItsMembersIsTheProtocolsFrame() throws Exception {
    List<Member> members = List.of(
        new Member("bob", true, Instant.parse("2026-11-22T09:59:00Z")),
        new Member("carol", false, Instant.parse("2026-11-22T10:00:00.123456Z")),
        new Member("dave", false, null));
    assertEquals(
        Json.mapper().writeValueAsString(new ServerFrame.Presence(members)),
        Frames.presence(members.stream().map(ClientSession.PresenceChange::of).toList()).text());
  }

  @Test
  void aResumeFromFarBackGoesAtTheClientsPaceInOrderWithLiveEntriesAfter() {
    // 600 entries missed, more than the socket's buffer (500) holds: without pacing this would close with 1008.
    Fixture f = fixture(600);
    RecordingOutbound out = new RecordingOutbound(500);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = session(f, out, hub, Map.of(f.room(), 1L));
    followed(f, hub, session, out);
    ask(f.room(), true, r -> new ChatRoom.Send(f.user(), "late", "live", (ActorRef<ChatRoom.SendOutcome>) (Object) r));
    // The live entry comes while the catch-up is under way: it waits for its turn.
    session.tell(new ClientSession.Entry(f.room(), 602, frame(f.room(), 602)));
    List<Long> expected = LongStream.rangeClosed(2, 602).boxed().toList();
    hub.awaitAssert(Duration.ofSeconds(20), () -> {
      out.readAll();
      assertEquals(expected, out.seqs(f.room()));
      return null;
    });
    assertEquals(null, out.closed);
  }

  @Test
  void aResumeThroughASmallSocketBufferStillCatchesUpWhileTheClientReads() {
    // An operator's parley.session.outbound-buffer of 256 (the default is 4,096): each page fits in it, and the next
    // one comes once the client has read; the catch-up once waited for room for 400 frames, which never came.
    for (int capacity : new int[] {256, 8}) {
      Fixture f = fixture(300);
      RecordingOutbound out = new RecordingOutbound(capacity);
      TestProbe<RoomHub.Command> hub = kit.createTestProbe();
      ActorRef<ClientSession.Command> session = session(f, out, hub, Map.of(f.room(), 1L));
      followed(f, hub, session, out);
      List<Long> expected = LongStream.rangeClosed(2, 301).boxed().toList();
      hub.awaitAssert(Duration.ofSeconds(20), () -> {
        out.readAll();
        assertEquals(expected, out.seqs(f.room()), "buffer of " + capacity);
        return null;
      });
      assertEquals(null, out.closed, "buffer of " + capacity);
      kit.stop(session);
    }
  }

  @Test
  void aClientThatCannotKeepUpIsDisconnectedWith1008() {
    Fixture f = fixture(0);
    RecordingOutbound out = new RecordingOutbound(3);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = session(f, out, hub);
    followed(f, hub, session, out);
    for (long seq = 2; seq < 10; seq++) {
      session.tell(new ClientSession.Entry(f.room(), seq, frame(f.room(), seq)));
    }
    hub.expectTerminated(session, Duration.ofSeconds(5));
    assertEquals(1008, out.closed.code());
    assertTrue(out.frames.size() <= 3);
  }

  @Test
  void framesFromTheClientAreAnsweredAndBadOnesGetErrors() {
    Fixture f = fixture(0);
    RecordingOutbound out = new RecordingOutbound(1000);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    TestProbe<ClientSession.StreamAck> acks = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = session(f, out, hub);
    followed(f, hub, session, out);
    session.tell(new ClientSession.StreamInit(acks.ref()));
    acks.expectMessage(ClientSession.StreamAck.INSTANCE);
    session.tell(new ClientSession.StreamElement(acks.ref(), new ClientSession.Inbound.Text(
        "{\"type\":\"send\",\"room\":\"" + f.room() + "\",\"clientMsgId\":\"w1\",\"text\":\"hi\"}")));
    acks.expectMessage(ClientSession.StreamAck.INSTANCE);
    session.tell(new ClientSession.StreamElement(acks.ref(), new ClientSession.Inbound.Text("{\"type\":")));
    acks.expectMessage(ClientSession.StreamAck.INSTANCE);
    session.tell(new ClientSession.StreamElement(acks.ref(), new ClientSession.Inbound.Binary()));
    acks.expectMessage(ClientSession.StreamAck.INSTANCE);
    hub.awaitAssert(Duration.ofSeconds(5), () -> {
      List<String> types = out.parsed().stream().map(n -> n.get("type").asText() + ":" + n.path("code").asText(n.path("seq").asText())).toList();
      assertTrue(types.contains("ack:2"), types.toString());
      assertTrue(types.contains("error:invalid_json"), types.toString());
      assertTrue(types.contains("error:invalid_frame"), types.toString());
      return null;
    });
    session.tell(new ClientSession.StreamElement(acks.ref(), new ClientSession.Inbound.TooBig()));
    hub.expectTerminated(session, Duration.ofSeconds(5));
    assertEquals(1009, out.closed.code());
  }

  @Test
  void aRoomWhoseWriteFailedAnswersAgainOnceItsJournalIsBack() {
    // Three rooms: how the journal's replies and the sends interleave varies from run to run.
    for (int round = 0; round < 3; round++) {
      roomWhoseWriteFailedAnswersAgain();
    }
  }

  private void roomWhoseWriteFailedAnswersAgain() {
    // The journal refuses a batch of sends. Its replies to that write keep coming after the first failure, while more
    // sends wait; once the journal is back, the room must answer again. (A room restarted in place took those replies
    // in with the sends it held back, and stopped taking commands at the first of them until another one came.)
    Fixture f = fixture(0);
    try (RoomJournal journal = new RoomJournal(f.room(), true)) {
      TestProbe<ChatRoom.SendOutcome> unanswered = kit.createTestProbe();
      for (int i = 0; i < 200; i++) {
        sharding.entityRefFor(ChatRoom.ENTITY_KEY, f.room())
            .tell(new ChatRoom.Send(f.user(), "u" + i, "hi", unanswered.ref()));
      }
      // The room fails to write them and stops: the sends of that write are told unavailable as it does (the ones held
      // back behind it are left to their senders' timeouts), and none is told stored while the journal stays down.
      unanswered.awaitAssert(Duration.ofSeconds(10), () -> {
        assertTrue(journal.refused.get() > 0);
        return null;
      });
      ChatRoom.SendOutcome first = unanswered.receiveMessage(Duration.ofSeconds(30));
      assertEquals("unavailable", ((ChatRoom.SendRefused) first).code());
      // The journal is back: a send, sent again until answered as a client does (one that reaches the room as it
      // stops is lost), is answered, and stored.
      journal.down.set(false);
      ChatRoom.SendOutcome back = postUntilAnswered(f, "h1");
      assertInstanceOf(ChatRoom.SendStored.class, back);
      // What the room told the 200 sends before it stored "back" is in the probe now (one room, one order; the probes
      // are local, so a tell is in the mailbox when it returns). A send is told unavailable, or stored: stored only if
      // its entry is in the journal at the seq it was told (sends the region held while the room stopped reach its
      // next life, which may come after the journal is back). None is told stored without its write.
      List<Object> journaled = journal.journal.persistedInStorage(ChatRoom.persistenceId(f.room()).id());
      for (ChatRoom.SendOutcome more : drainNow(unanswered)) {
        if (more instanceof ChatRoom.SendStored stored) {
          Object event = stored.seq() <= journaled.size() ? journaled.get((int) stored.seq() - 1) : null;
          if (event instanceof Tagged tagged) {
            event = tagged.payload();
          }
          assertTrue(event instanceof ChatRoom.MessagePosted posted && posted.entry() instanceof TimelineEntry.FromClient sent
              && sent.clientMsgId().equals(stored.clientMsgId()),
              "told stored at " + stored.seq() + " but not in the journal there: " + stored);
        } else {
          assertEquals("unavailable", ((ChatRoom.SendRefused) more).code(), more.toString());
        }
      }
    }
  }

  @Test
  void aSendWhoseWriteFailedIsToldUnavailableAtOnceNotAfterTheTimeoutAndItsResendIsStored() {
    Fixture f = fixture(0);
    try (RoomJournal journal = new RoomJournal(f.room(), false)) {
      // A timeout far longer than the wait below: an unavailable in time can only be the room's.
      Reading r = reading(f, Duration.ofSeconds(60));

      journal.down.set(true);
      r.session().tell(new ClientSession.StreamElement(r.acks().ref(), send(f.room(), "w1")));
      r.acks().expectMessage(ClientSession.StreamAck.INSTANCE);
      r.hub().awaitAssert(Duration.ofSeconds(10), () -> {
        assertEquals(List.of("w1"), unavailable(r.out()));
        return null;
      });

      journal.down.set(false);
      postUntilAnswered(f, "h1");
      r.session().tell(new ClientSession.StreamElement(r.acks().ref(), send(f.room(), "w1")));
      r.acks().expectMessage(ClientSession.StreamAck.INSTANCE);
      r.hub().awaitAssert(Duration.ofSeconds(10), () -> {
        assertEquals(1, r.out().parsed().stream()
            .filter(n -> "ack".equals(n.path("type").asText()) && "w1".equals(n.path("clientMsgId").asText())).count());
        return null;
      });
      assertEquals(List.of("w1"), unavailable(r.out()), "told once");
      assertEquals(null, r.out().closed, "the socket stays open");
    }
  }

  @Test
  void aSendNoRoomAnswersIsToldUnavailableAfterTheTimeoutAndItsResendIsStoredOnce() throws Exception {
    Fixture f = fixture(0);
    try (RoomJournal journal = new RoomJournal(f.room(), false)) {
      Reading r = reading(f, Duration.ofSeconds(1));
      RecordingOutbound out = r.out();
      TestProbe<RoomHub.Command> hub = r.hub();
      TestProbe<ClientSession.StreamAck> acks = r.acks();
      ActorRef<ClientSession.Command> session = r.session();

      // The room's writes fail, so it stops and no incarnation answers: the sends of its failed write are told
      // unavailable as it stops, the others by the timeout. The socket reads on while fewer than MAX_IN_FLIGHT sends
      // wait; the last one's read is held until one is given up on.
      journal.down.set(true);
      int sends = ClientSession.MAX_IN_FLIGHT;
      List<String> all = new ArrayList<>();
      for (int i = 0; i < sends; i++) {
        all.add("u" + i);
        session.tell(new ClientSession.StreamElement(acks.ref(), send(f.room(), "u" + i)));
        if (i < sends - 1) {
          acks.expectMessage(ClientSession.StreamAck.INSTANCE);
        }
      }
      acks.expectMessage(Duration.ofSeconds(10), ClientSession.StreamAck.INSTANCE);
      assertTrue(unavailable(out).contains("u0"), "the held read resumes once a send is given up on");
      hub.awaitAssert(Duration.ofSeconds(10), () -> {
        assertEquals(all, unavailable(out), "each send told once, oldest first");
        return null;
      });
      assertEquals(null, out.closed, "the socket stays open");

      // The room is back (a post over HTTP, sent until answered, shows it): the resend is stored, and a second resend names the same
      // seq. Sends the room stored only after the session gave up on them are not acknowledged late.
      journal.down.set(false);
      postUntilAnswered(f, "h1");
      for (int i = 0; i < 2; i++) {
        session.tell(new ClientSession.StreamElement(acks.ref(), send(f.room(), "u0")));
        acks.expectMessage(ClientSession.StreamAck.INSTANCE);
      }
      hub.awaitAssert(Duration.ofSeconds(10), () -> {
        List<Long> seqs = out.parsed().stream()
            .filter(n -> "ack".equals(n.path("type").asText()) && "u0".equals(n.path("clientMsgId").asText()))
            .map(n -> n.get("seq").asLong())
            .toList();
        assertEquals(2, seqs.size(), seqs.toString());
        assertEquals(seqs.get(0), seqs.get(1));
        return null;
      });
      // A marker: a send after them, answered by the room after every send it had before it. Once its ack is
      // written, a late ack of a send given up on would have been written first: there is none.
      session.tell(new ClientSession.StreamElement(acks.ref(), send(f.room(), "marker")));
      acks.expectMessage(ClientSession.StreamAck.INSTANCE);
      hub.awaitAssert(Duration.ofSeconds(10), () -> {
        assertTrue(out.parsed().stream().anyMatch(n -> "ack".equals(n.path("type").asText())
            && "marker".equals(n.path("clientMsgId").asText())), "the marker's ack");
        return null;
      });
      assertEquals(List.of("u0", "u0", "marker"), out.parsed().stream().filter(n -> "ack".equals(n.path("type").asText()))
          .map(n -> n.path("clientMsgId").asText()).toList());
    }
  }

  /**
   * Posts over HTTP as a client does after a failure: again, with the same clientMsgId, until the room answers. A
   * message that reaches a room as it stops is lost unanswered (or, in its failed write, told unavailable), and the next
   * one starts a new room.
   */
  private ChatRoom.SendOutcome postUntilAnswered(Fixture f, String clientMsgId) {
    var answer = new AtomicReference<ChatRoom.SendOutcome>();
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(15), Duration.ofMillis(10), () -> {
      answer.set(sharding.entityRefFor(ChatRoom.ENTITY_KEY, f.room())
          .<ChatRoom.SendOutcome>ask(r -> new ChatRoom.Send(f.user(), clientMsgId, "back", r), Duration.ofSeconds(1))
          .toCompletableFuture()
          .join());
      assertFalse(answer.get() instanceof ChatRoom.SendRefused r && "unavailable".equals(r.code()), "not back yet");
      return null;
    });
    return answer.get();
  }

  private static ClientSession.Inbound.Text send(String room, String clientMsgId) {
    return new ClientSession.Inbound.Text(
        "{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + clientMsgId + "\",\"text\":\"hi\"}");
  }

  /** A session of the fixture's user that follows its room and reads from its socket. */
  private record Reading(RecordingOutbound out, TestProbe<RoomHub.Command> hub, TestProbe<ClientSession.StreamAck> acks,
      ActorRef<ClientSession.Command> session) {}

  private Reading reading(Fixture f, Duration askTimeout) {
    RecordingOutbound out = new RecordingOutbound(1000);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    TestProbe<ClientSession.StreamAck> acks = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = kit.spawn(ClientSession.create(f.user(), f.token(), Map.of(),
        out, hub.ref(), history, new ClientSession.Settings(askTimeout)));
    followed(f, hub, session, out);
    session.tell(new ClientSession.StreamInit(acks.ref()));
    acks.expectMessage(ClientSession.StreamAck.INSTANCE);
    return new Reading(out, hub, acks, session);
  }

  /** What the probe holds now. */
  private static <T> List<T> drainNow(TestProbe<T> probe) {
    List<T> got = new ArrayList<>();
    while (true) {
      try {
        got.add(probe.receiveMessage(Duration.ZERO));
      } catch (AssertionError none) {
        return got;
      }
    }
  }

  /** The clientMsgIds the client was told to send again, in the order it was told. */
  private static List<String> unavailable(RecordingOutbound out) {
    return out.parsed().stream()
        .filter(n -> "error".equals(n.path("type").asText()) && "unavailable".equals(n.path("code").asText()))
        .map(n -> n.path("ref").asText())
        .toList();
  }

  /** The user's entity as it runs now; fails while it has no incarnation. */
  private ActorRef<Void> userIncarnation(String user) {
    return Adapter.toTyped(Adapter.toClassic(kit.system())
        .actorSelection("/system/sharding/User/*/" + user)
        .resolveOne(Duration.ofSeconds(3))
        .toCompletableFuture()
        .join());
  }

  @Test
  void aSessionClosesWith4001WhenItsTokenExpires() {
    Fixture f = fixture(0);
    String shortLived = Secrets.sha256(f.user() + "-short");
    ask(f.user(), false, r -> new UserAccount.IssueToken(
        shortLived, Instant.now().plusSeconds(3), (ActorRef<UserAccount.Result>) (Object) r));
    Fixture g = new Fixture(f.user(), shortLived, f.room());
    RecordingOutbound out = new RecordingOutbound(100);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = session(g, out, hub);
    followed(g, hub, session, out);
    hub.expectTerminated(session, Duration.ofSeconds(10));
    assertEquals(new WebSocketUpgrades.Close(4001, "token expired"), out.closed);
  }

  @Test
  void aSessionRegistersWithTheNextIncarnationOfItsUserSoLogoutStillClosesIt() {
    Fixture f = fixture(0);
    RecordingOutbound out = new RecordingOutbound(100);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    ActorRef<ClientSession.Command> session = session(f, out, hub);
    followed(f, hub, session, out);
    ActorRef<Void> first = userIncarnation(f.user());
    // Stopped as a crash or a handoff stops it: not passivated, so sharding starts it again only when asked.
    Adapter.toClassic(first).tell(PoisonPill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
    TestProbe<Object> probe = kit.createTestProbe();
    probe.expectTerminated(first, Duration.ofSeconds(5));
    // Nothing else asks for this user: the session registering again is what starts the next incarnation.
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      assertTrue(!first.equals(userIncarnation(f.user())));
      return null;
    });
    ask(f.user(), false, r -> new UserAccount.RevokeToken(f.token(), (ActorRef<UserAccount.Result>) (Object) r));
    probe.expectTerminated(session, Duration.ofSeconds(5));
    assertEquals(4001, out.closed.code());
  }

  @Test
  void aUserWithASessionStaysInMemoryWhileOneWithoutLeavesIt() {
    Fixture watched = fixture(0);
    RecordingOutbound out = new RecordingOutbound(100);
    TestProbe<RoomHub.Command> hub = kit.createTestProbe();
    followed(watched, hub, session(watched, out, hub), out);
    // Created after the session registered: its last command is later, so without the session the first user
    // would leave memory before it (parley.user.passivate-after is 1 s in this kit).
    Fixture alone = fixture(0);
    ActorRef<Void> kept = userIncarnation(watched.user());
    TestProbe<Object> probe = kit.createTestProbe();
    probe.expectTerminated(userIncarnation(alone.user()), Duration.ofSeconds(15));
    assertEquals(kept, userIncarnation(watched.user()));
  }
}
