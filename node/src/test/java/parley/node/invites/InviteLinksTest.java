package parley.node.invites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.Migrations;
import parley.node.Secrets;
import parley.node.testkit.ManualClock;
import parley.node.testkit.TestDatabase;

/**
 * Invite links on the database the suite runs on (H2, or PostgreSQL in CI's second run), with a clock the test moves:
 * a link admits until it expires, is used up or is revoked, and says which; the last use goes to one claimant however
 * many claim it at once; only the token's hash is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InviteLinksTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T12:00:00Z"));
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final ExecutorService claimants = Executors.newFixedThreadPool(8);
  private Config config;
  private InviteLinks links;

  @BeforeAll
  void open() {
    config = ConfigFactory.parseString("parley.invite-links.max-per-room = 3, parley.invite-links.pool-size = 8")
        .withFallback(TestDatabase.config(TestDatabase.url())).withFallback(ConfigFactory.load());
    Migrations.run(config);
    links = new InviteLinks(config, pool, clock);
  }

  @AfterAll
  void close() {
    links.close();
    pool.shutdown();
    claimants.shutdown();
  }

  private static String room() {
    return Secrets.newRoomId();
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void aLinkAdmitsUntilItExpiresAndThenSaysSo() {
    InviteLinks.Made made = await(links.make(room(), "alice", null, Duration.ofHours(1)));
    assertEquals(43, made.token().length());
    clock.now = clock.now.plus(Duration.ofMinutes(59));
    assertInstanceOf(InviteLinks.Admits.class, await(links.look(made.token())));
    assertInstanceOf(InviteLinks.Admits.class, await(links.claim(made.token())));
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    InviteLinks.Spent spent = assertInstanceOf(InviteLinks.Spent.class, await(links.claim(made.token())));
    assertEquals("the invite link expired", spent.why());
    assertEquals(1, spent.link().uses(), "the claim after expiry took no use");
  }

  @Test
  void aLinkWithUsesAdmitsThatManyAndAUseGivenBackAdmitsOneMore() {
    InviteLinks.Made made = await(links.make(room(), "alice", 2, Duration.ofDays(1)));
    InviteLinks.Admits first = assertInstanceOf(InviteLinks.Admits.class, await(links.claim(made.token())));
    assertInstanceOf(InviteLinks.Admits.class, await(links.claim(made.token())));
    InviteLinks.Spent spent = assertInstanceOf(InviteLinks.Spent.class, await(links.claim(made.token())));
    assertEquals("the invite link was used up (2 uses)", spent.why());
    await(links.release(first.link()));
    assertInstanceOf(InviteLinks.Admits.class, await(links.claim(made.token())));
  }

  @Test
  void ofManyClaimsOfTheLastUseExactlyOneIsAdmitted() throws Exception {
    for (int round = 0; round < 5; round++) {
      InviteLinks.Made made = await(links.make(room(), "alice", 1, Duration.ofDays(1)));
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<InviteLinks.Lookup>> claims = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        claims.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return await(links.claim(made.token()));
        }, claimants));
      }
      go.countDown();
      long admitted = claims.stream().map(CompletableFuture::join).filter(InviteLinks.Admits.class::isInstance).count();
      assertEquals(1, admitted, "round " + round);
      InviteLinks.Spent after = assertInstanceOf(InviteLinks.Spent.class, await(links.look(made.token())));
      assertEquals(1, after.link().uses());
    }
  }

  @Test
  void aRevokedLinkSaysSoAndFreesItsPlaceAndEndedLinksAreForgottenAfterAMonth() {
    String room = room();
    List<InviteLinks.Made> made = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      made.add(await(links.make(room, "alice", null, Duration.ofDays(1))));
    }
    assertNull(await(links.make(room, "alice", null, Duration.ofDays(1))), "the room holds 3 standing links");
    assertEquals(true, await(links.revoke(room, made.get(0).link().id())));
    assertEquals(false, await(links.revoke(room, made.get(0).link().id())), "revoked once");
    assertEquals(false, await(links.revoke(room(), made.get(1).link().id())), "another room's link");
    InviteLinks.Spent spent = assertInstanceOf(InviteLinks.Spent.class, await(links.claim(made.get(0).token())));
    assertEquals("the invite link was revoked", spent.why());
    assertEquals(2, await(links.standing(room)).size());
    InviteLinks.Made fourth = await(links.make(room, "alice", null, Duration.ofDays(1)));
    assertNotEquals(null, fourth);
    clock.now = clock.now.plus(Duration.ofDays(32));
    await(links.make(room, "bob", null, Duration.ofDays(1)));
    assertInstanceOf(InviteLinks.Unknown.class, await(links.look(made.get(0).token())));
    assertInstanceOf(InviteLinks.Unknown.class, await(links.look(fourth.token())));
  }

  @Test
  void aTokenNotMadeHereOrNotShapedAsOneIsUnknown() {
    assertInstanceOf(InviteLinks.Unknown.class, await(links.look(Secrets.newBareToken())));
    assertInstanceOf(InviteLinks.Unknown.class, await(links.claim("../../etc/passwd")));
    assertInstanceOf(InviteLinks.Unknown.class, await(links.claim("")));
  }
}
