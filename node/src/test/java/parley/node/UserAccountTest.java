package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The user entity: credentials, tokens, tickets, read markers and presence from session lifetimes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserAccountTest {
  /** A clock tests move by hand. */
  static final class ManualClock extends Clock {
    volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private ActorTestKit kit;
  private UserAccount.Settings settings;
  private ManualClock clock;
  private String name;
  private EventSourcedBehaviorTestKit<UserAccount.Command, UserAccount.Event, UserAccount.State> user;

  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
    settings = UserAccount.Settings.fromConfig(kit.system().settings().config());
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void freshUser() {
    clock = new ManualClock();
    name = "u" + UUID.randomUUID().toString().substring(0, 8);
    user = EventSourcedBehaviorTestKit.create(kit.system(), UserAccount.create(name, settings, clock));
    user.<UserAccount.Result>runCommand(r -> new UserAccount.Register("$2a$04$hash", r));
  }

  private UserAccount.Result run(java.util.function.Function<ActorRef<UserAccount.Result>, UserAccount.Command> cmd) {
    return user.<UserAccount.Result>runCommand(cmd::apply).reply();
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
  void onlineWhileASessionLivesOfflineAfterTheLastEnds() {
    String token = Secrets.sha256("t-presence");
    run(r -> new UserAccount.IssueToken(token, clock.now.plus(Duration.ofDays(1)), r));
    ActorRef<ClientSession.Command> first = kit.spawn(Behaviors.ignore());
    ActorRef<ClientSession.Command> second = kit.spawn(Behaviors.ignore());
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
    TestProbe<ClientSession.Command> session = kit.createTestProbe();
    var result = run(r -> new UserAccount.SessionStarted(session.ref(), Secrets.sha256("never-issued"), r));
    assertEquals("unauthorized", ((UserAccount.Rejected) result).code());
    assertEquals(new ClientSession.Close(4001, "logged out"), session.receiveMessage());

    String token = Secrets.sha256("t-logout");
    run(r -> new UserAccount.IssueToken(token, clock.now.plus(Duration.ofDays(1)), r));
    TestProbe<ClientSession.Command> live = kit.createTestProbe();
    run(r -> new UserAccount.SessionStarted(live.ref(), token, r));
    run(r -> new UserAccount.RevokeToken(token, r));
    assertEquals(new ClientSession.Close(4001, "logged out"), live.receiveMessage());
  }

  @Test
  void afterARestartSessionsMustReRegisterOrTheUserGoesOffline() {
    String token = Secrets.sha256("t-restart");
    run(r -> new UserAccount.IssueToken(token, clock.now.plus(Duration.ofDays(1)), r));
    TestProbe<ClientSession.Command> session = kit.createTestProbe();
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
}
