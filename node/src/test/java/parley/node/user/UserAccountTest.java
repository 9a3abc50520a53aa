package parley.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.Secrets;
import parley.node.room.ChatRoom;
import parley.node.testkit.EntityTestKit;
import parley.node.testkit.ManualClock;
import parley.node.testkit.InMemory;

/** The user entity: credentials, tokens, tickets, read markers and presence from session lifetimes. */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserAccountTest {

  private ActorTestKit kit;
  private UserSettings settings;
  private ManualClock clock;
  private String name;
  private EventSourcedBehaviorTestKit<UserAccount.Command, UserAccount.Event, UserState> user;

  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
    settings = UserSettings.fromConfig(kit.system().settings().config());
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void freshUser() {
    clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    name = "u" + UUID.randomUUID().toString().substring(0, 8);
    user = EventSourcedBehaviorTestKit.create(kit.system(), UserAccount.create(name, settings, clock));
    user.<UserAccount.Result>runCommand(r -> new UserAccount.Register("$2a$04$hash", r));
  }

  private UserAccount.Result run(Function<ActorRef<UserAccount.Result>, UserAccount.Command> cmd) {
    return user.<UserAccount.Result>runCommand(cmd::apply).reply();
  }

  @Test
  void theGatesCommandCrossesNodesWithEitherKindOfSendingItCarries() {
    ActorRef<ChatRoom.SendOutcome> replyTo = kit.<ChatRoom.SendOutcome>createTestProbe().ref();
    for (ChatRoom.Sending sending : List.<ChatRoom.Sending>of(
        new ChatRoom.Send("alice", "e1", "fixed", replyTo, "edit", 3L, null, null, true),
        new ChatRoom.AdmitSend("alice", "f1", replyTo))) {
      var through = new UserAccount.SendThrough("r1", sending);
      assertEquals(through, kit.serializationTestKit().verifySerialization(through, false));
    }
  }

  @Test
  void aUsernameIsTakenOnce() {
    var again = user.<UserAccount.Result>runCommand(r -> new UserAccount.Register("$2a$04$other", r));
    assertEquals("username_taken", ((UserAccount.Rejected) again.reply()).code());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void tokensAreStoredAsHashesExpireAndCanBeRevoked() {
    String token = Secrets.newToken(name);
    String hash = Secrets.sha256(token);
    var issued = user.<UserAccount.Result>runCommand(r -> new UserAccount.IssueToken(hash, clock.now.plus(Duration.ofDays(1)), r));
    assertFalse(issued.state().tokens().containsKey(token), "the clear token is never stored");
    assertTrue(issued.state().tokens().containsKey(hash));
    assertInstanceOf(UserAccount.Authenticated.class, run(r -> new UserAccount.Authenticate(hash, r)));

    clock.now = clock.now.plus(Duration.ofDays(2));
    assertEquals("unauthorized", ((UserAccount.Rejected) run(r -> new UserAccount.Authenticate(hash, r))).code());

    String other = Secrets.sha256(Secrets.newToken(name));
    var second = user.<UserAccount.Result>runCommand(r -> new UserAccount.IssueToken(other, clock.now.plus(Duration.ofDays(1)), r));
    assertFalse(second.state().tokens().containsKey(hash), "expired tokens are dropped");
    run(r -> new UserAccount.RevokeToken(other, r));
    assertInstanceOf(UserAccount.Rejected.class, run(r -> new UserAccount.Authenticate(other, r)));
    user.restart();
    assertInstanceOf(UserAccount.Rejected.class, run(r -> new UserAccount.Authenticate(other, r)));
  }

  @Test
  void aTokenInUseSlidesItsLifetimeAndOneLeftUnusedExpires() {
    String hash = Secrets.sha256("slide");
    Instant issued = clock.now;
    run(r -> new UserAccount.IssueToken(hash, issued.plus(Duration.ofDays(1)), "203.0.113.5", "Parley-Test/1", r));
    clock.now = issued.plus(Duration.ofMinutes(30));
    var early = user.<UserAccount.Result>runCommand(r -> new UserAccount.Authenticate(hash, r));
    assertInstanceOf(UserAccount.Authenticated.class, early.reply());
    assertTrue(early.hasNoEvents(), "a use within the hour of the last stored one is not stored");

    clock.now = issued.plus(Duration.ofHours(20));
    var used = user.<UserAccount.Result>runCommand(r -> new UserAccount.Authenticate(hash, r));
    assertEquals(new UserAccount.TokenUsed(hash, clock.now, clock.now.plus(Duration.ofDays(1))), used.event(),
        "the token's own lifetime (a day), from now");
    clock.now = issued.plus(Duration.ofHours(40));
    assertInstanceOf(UserAccount.Authenticated.class, run(r -> new UserAccount.Authenticate(hash, r)),
        "past the first expiry, in use: still valid");
    user.restart();
    clock.now = issued.plus(Duration.ofHours(40 + 23));
    assertInstanceOf(UserAccount.Authenticated.class, run(r -> new UserAccount.Authenticate(hash, r)), "stored, not soft");
    clock.now = clock.now.plus(Duration.ofDays(2));
    assertEquals("unauthorized", ((UserAccount.Rejected) run(r -> new UserAccount.Authenticate(hash, r))).code());
  }

  @Test
  void ticketsAreSingleUseAndDieWithTheirToken() {
    String token = Secrets.sha256("t1");
    run(r -> new UserAccount.IssueToken(token, clock.now.plus(Duration.ofDays(1)), r));
    run(r -> new UserAccount.IssueTicket(token, "ticket1", clock.now.plusSeconds(30), r));
    var redeemed = run(r -> new UserAccount.RedeemTicket("ticket1", r));
    assertEquals(token, ((UserAccount.Authenticated) redeemed).tokenHash());
    assertInstanceOf(UserAccount.Rejected.class, run(r -> new UserAccount.RedeemTicket("ticket1", r)));

    run(r -> new UserAccount.IssueTicket(token, "ticket2", clock.now.plusSeconds(30), r));
    clock.now = clock.now.plusSeconds(31);
    assertInstanceOf(UserAccount.Rejected.class, run(r -> new UserAccount.RedeemTicket("ticket2", r)));

    run(r -> new UserAccount.IssueTicket(token, "ticket3", clock.now.plusSeconds(30), r));
    run(r -> new UserAccount.RevokeToken(token, r));
    assertInstanceOf(UserAccount.Rejected.class, run(r -> new UserAccount.RedeemTicket("ticket3", r)));
  }

  @Test
  void readMarkersOnlyMoveForward() {
    run(r -> new UserAccount.AddRoom("room1", 3, r));
    run(r -> new UserAccount.MarkRead("room1", 10, r));
    run(r -> new UserAccount.MarkRead("room1", 7, r));
    var summary = user.<UserAccount.Summary>runCommand(UserAccount.GetSummary::new).reply();
    assertEquals(Map.of("room1", 10L), summary.rooms());
    assertEquals("not_a_member", ((UserAccount.Rejected) run(r -> new UserAccount.MarkRead("room2", 1, r))).code());
    // Joining again never moves a marker back.
    run(r -> new UserAccount.AddRoom("room1", 1, r));
    assertEquals(Map.of("room1", 10L), user.<UserAccount.Summary>runCommand(UserAccount.GetSummary::new).reply().rooms());
  }

  @Test
  void deliveredMarkersUsersStoredBeforeRoomsKeptThemAreStillToldAndReadReceiptsCanBeHidden() {
    var batched = EventSourcedBehaviorTestKit.<UserAccount.Command, UserAccount.Event, UserState>create(
        kit.system(), UserAccount.create(name + "b", settings, clock));
    batched.<UserAccount.Result>runCommand(r -> new UserAccount.Register("$2a$04$hash", r));
    batched.<UserAccount.Result>runCommand(r -> new UserAccount.AddRoom("room1", 3, r));
    // A user entity written before rooms kept delivered markers has them in its journal: replayed, told to the room
    // that asks (which keeps the higher of these and its own), never written now.
    String pid = UserAccount.persistenceId(name + "b").id();
    batched.persistenceTestKit().persistForRecovery(pid,
        List.of(new UserAccount.DeliveredMarkersMoved(Map.of("room1", 10L))));
    batched.restart();
    TestProbe<ChatRoom.Command> room = kit.createTestProbe();
    batched.runCommand(new UserAccount.GetMarkers("room1", room.ref()));
    assertEquals(new ChatRoom.MarkersMoved(name + "b", 10, 3, true, true), room.receiveMessage());

    // Read receipts hidden: stored, and the rooms are told.
    batched.<UserAccount.Result>runCommand(r -> new UserAccount.SetReadReceipts(false, r));
    batched.restart();
    assertFalse(batched.<UserAccount.SettingsView>runCommand(UserAccount.GetSettings::new).reply().readReceipts());
    batched.runCommand(new UserAccount.GetMarkers("room1", room.ref()));
    assertFalse(((ChatRoom.MarkersMoved) room.fishForMessage(Duration.ofSeconds(3), m ->
        m instanceof ChatRoom.MarkersMoved mm && !mm.readShown()
            ? FishingOutcomes.complete()
            : FishingOutcomes.continueAndIgnore()).get(0)).readShown());
  }

  @Test
  void onlineWhileASessionLivesOfflineAfterTheLastEnds() {
    String token = Secrets.sha256("t-presence");
    run(r -> new UserAccount.IssueToken(token, clock.now.plus(Duration.ofDays(1)), r));
    ActorRef<UserNotice> first = kit.spawn(Behaviors.ignore());
    ActorRef<UserNotice> second = kit.spawn(Behaviors.ignore());
    var started = user.<UserAccount.Result>runCommand(r -> new UserAccount.SessionStarted(first, token, r));
    assertInstanceOf(UserAccount.Accepted.class, started.reply());
    assertInstanceOf(UserAccount.WentOnline.class, started.event());
    assertTrue(user.<UserAccount.Result>runCommand(r -> new UserAccount.SessionStarted(second, token, r)).hasNoEvents());

    TestProbe<UserAccount.PresenceView> presence = kit.createTestProbe();
    kit.stop(first);
    // One session still lives: online.
    presence.awaitAssert(Duration.ofSeconds(5), () -> {
      var view = user.<UserAccount.PresenceView>runCommand(UserAccount.GetPresence::new).reply();
      assertTrue(view.online());
      return null;
    });
    clock.now = clock.now.plusSeconds(60);
    kit.stop(second);
    presence.awaitAssert(Duration.ofSeconds(5), () -> {
      var view = user.<UserAccount.PresenceView>runCommand(UserAccount.GetPresence::new).reply();
      assertFalse(view.online());
      assertEquals(clock.now, view.lastSeen());
      return null;
    });
  }

  @Test
  void aSessionWithARevokedTokenIsToldToClose() {
    TestProbe<UserNotice> session = kit.createTestProbe();
    var result = run(r -> new UserAccount.SessionStarted(session.ref(), Secrets.sha256("never-issued"), r));
    assertEquals("unauthorized", ((UserAccount.Rejected) result).code());
    assertEquals(new UserNotice.SignedOut("logged out"), session.receiveMessage());

    String token = Secrets.sha256("t-logout");
    run(r -> new UserAccount.IssueToken(token, clock.now.plus(Duration.ofDays(1)), r));
    TestProbe<UserNotice> live = kit.createTestProbe();
    run(r -> new UserAccount.SessionStarted(live.ref(), token, r));
    run(r -> new UserAccount.RevokeToken(token, r));
    assertEquals(new UserNotice.SignedOut("logged out"), live.receiveMessage());
  }

  @Test
  void afterARestartSessionsMustReRegisterOrTheUserGoesOffline() {
    String token = Secrets.sha256("t-restart");
    run(r -> new UserAccount.IssueToken(token, clock.now.plus(Duration.ofDays(1)), r));
    TestProbe<UserNotice> session = kit.createTestProbe();
    run(r -> new UserAccount.SessionStarted(session.ref(), token, r));
    user.restart();
    // The new incarnation knows the user was online, and waits for sessions to come back.
    TestProbe<Object> wait = kit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(5), () -> {
      assertFalse(user.<UserAccount.PresenceView>runCommand(UserAccount.GetPresence::new).reply().online());
      return null;
    });
    assertNotNull(user.<UserAccount.PresenceView>runCommand(UserAccount.GetPresence::new).reply().lastSeen());
  }

  /** A fresh, registered user whose offline is stored after {@code storeDelay}. */
  private EventSourcedBehaviorTestKit<UserAccount.Command, UserAccount.Event, UserState> userStoringOfflineAfter(
      Duration storeDelay) {
    UserSettings custom = new UserSettings(
        settings.offlineGrace(), storeDelay, settings.reregisterGrace(), settings.markerFlush(), settings.passivateAfter());
    var kitUser = EventSourcedBehaviorTestKit.<UserAccount.Command, UserAccount.Event, UserState>create(
        kit.system(), UserAccount.create(name, custom, clock));
    kitUser.<UserAccount.Result>runCommand(r -> new UserAccount.Register("$2a$04$hash", r));
    return kitUser;
  }

  /** A fresh user online through one session, whose offline is stored after {@code storeDelay}. */
  private record OnlineUser(
      EventSourcedBehaviorTestKit<UserAccount.Command, UserAccount.Event, UserState> user,
      ActorRef<UserNotice> session,
      String token) {}

  private OnlineUser onlineUserStoringOfflineAfter(Duration storeDelay) {
    name = "u" + UUID.randomUUID().toString().substring(0, 8);
    var kitUser = userStoringOfflineAfter(storeDelay);
    String token = Secrets.sha256("t-" + name);
    kitUser.<UserAccount.Result>runCommand(r -> new UserAccount.IssueToken(token, clock.now.plus(Duration.ofDays(1)), r));
    ActorRef<UserNotice> session = kit.spawn(Behaviors.ignore());
    assertInstanceOf(UserAccount.WentOnline.class,
        kitUser.<UserAccount.Result>runCommand(r -> new UserAccount.SessionStarted(session, token, r)).event());
    return new OnlineUser(kitUser, session, token);
  }

  private static UserAccount.PresenceView presenceOf(
      EventSourcedBehaviorTestKit<UserAccount.Command, UserAccount.Event, UserState> of) {
    return of.<UserAccount.PresenceView>runCommand(UserAccount.GetPresence::new).reply();
  }

  @Test
  void aUserBackBeforeTheOfflineIsStoredWritesNothing() {
    OnlineUser online = onlineUserStoringOfflineAfter(Duration.ofMinutes(1));
    var flapping = online.user();
    Instant droppedAt = clock.now.plusSeconds(5);
    clock.now = droppedAt;
    kit.stop(online.session());
    // Room mates see the user offline after the grace, with the time the connection ended...
    TestProbe<Object> wait = kit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(5), () -> {
      assertFalse(presenceOf(flapping).online());
      return null;
    });
    assertEquals(droppedAt, presenceOf(flapping).lastSeen());
    // ...but nothing is stored yet: the stored state still says online.
    assertTrue(flapping.getState().online());

    // Back within the delay: online again, and neither WentOffline nor WentOnline is written.
    ActorRef<UserNotice> second = kit.spawn(Behaviors.ignore());
    var back = flapping.<UserAccount.Result>runCommand(r -> new UserAccount.SessionStarted(second, online.token(), r));
    assertInstanceOf(UserAccount.Accepted.class, back.reply());
    assertTrue(back.hasNoEvents());
    assertTrue(presenceOf(flapping).online());
  }

  @Test
  void anOfflineThatLastsIsStoredWithTheTimeTheLastConnectionEnded() {
    OnlineUser online = onlineUserStoringOfflineAfter(Duration.ofMillis(300));
    var leaving = online.user();
    Instant endedAt = clock.now.plusSeconds(7);
    clock.now = endedAt;
    kit.stop(online.session());

    TestProbe<Object> wait = kit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(5), () -> {
      assertFalse(leaving.getState().online(), "WentOffline is stored");
      return null;
    });
    assertEquals(endedAt, leaving.getState().lastSeen());
    // A restart finds the user offline since then, with no grace to wait out.
    leaving.restart();
    UserAccount.PresenceView view = presenceOf(leaving);
    assertFalse(view.online());
    assertEquals(endedAt, view.lastSeen());
  }

  @Test
  void aHandOffStoresWhatWasOnlyInMemoryBeforeTheEntityStops() {
    // Spawned as sharding would run it, so it can be stopped with the stop message sharding sends.
    String handedOff = "u" + UUID.randomUUID().toString().substring(0, 8);
    // Neither the marker nor the offline would be stored within the test but for the handoff.
    UserSettings slow = new UserSettings(settings.offlineGrace(), Duration.ofMinutes(1),
        settings.reregisterGrace(), Duration.ofMinutes(1), settings.passivateAfter());
    ActorRef<UserAccount.Command> entity = kit.spawn(UserAccount.create(handedOff, slow, clock));
    TestProbe<UserAccount.Result> replies = kit.createTestProbe();
    String token = Secrets.sha256("t-handoff");
    entity.tell(new UserAccount.Register("$2a$04$hash", replies.ref()));
    entity.tell(new UserAccount.IssueToken(token, clock.now.plus(Duration.ofDays(1)), replies.ref()));
    entity.tell(new UserAccount.AddRoom("room1", 0, replies.ref()));
    replies.receiveSeveralMessages(3);
    ActorRef<UserNotice> session = kit.spawn(Behaviors.ignore());
    entity.tell(new UserAccount.SessionStarted(session, token, replies.ref()));
    assertInstanceOf(UserAccount.Accepted.class, replies.receiveMessage());
    // A read marker not flushed yet, and an offline not stored yet (the delay is a minute).
    entity.tell(new UserAccount.MarkRead("room1", 12, replies.ref()));
    replies.receiveMessage();
    Instant endedAt = clock.now.plusSeconds(3);
    clock.now = endedAt;
    kit.stop(session);
    TestProbe<UserAccount.PresenceView> presence = kit.createTestProbe();
    presence.awaitAssert(Duration.ofSeconds(5), () -> {
      entity.tell(new UserAccount.GetPresence(presence.ref()));
      assertFalse(presence.receiveMessage().online());
      return null;
    });

    entity.tell(UserAccount.HandOff.INSTANCE);
    presence.expectTerminated(entity);
    // The next incarnation reads both from the journal: offline since the connection ended, with no grace to wait
    // out, and the marker where it was.
    ActorRef<UserAccount.Command> next = kit.spawn(UserAccount.create(handedOff, slow, clock));
    next.tell(new UserAccount.GetPresence(presence.ref()));
    UserAccount.PresenceView view = presence.receiveMessage();
    assertFalse(view.online());
    assertEquals(endedAt, view.lastSeen());
    TestProbe<UserAccount.Summary> summary = kit.createTestProbe();
    next.tell(new UserAccount.GetSummary(summary.ref()));
    assertEquals(Map.of("room1", 12L), summary.receiveMessage().rooms());
  }
}
