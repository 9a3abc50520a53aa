package parley.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.EntityTestKit;
import parley.node.testkit.InMemory;

/** One account blocks at most Invitations.BLOCKS_MAX users: the next block is refused with its own code, saying it. */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlocksLimitTest {
  private ActorTestKit kit;

  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void theBlockPastTheLimitIsRefusedAndUnblockingMakesRoom() {
    UserSettings settings = UserSettings.fromConfig(kit.system().settings().config());
    EventSourcedBehaviorTestKit<UserAccount.Command, UserAccount.Event, UserState> user = EventSourcedBehaviorTestKit
        .create(kit.system(), UserAccount.create("b" + UUID.randomUUID().toString().substring(0, 8), settings,
            Clock.systemUTC()));
    user.<UserAccount.Result>runCommand(r -> new UserAccount.Register("$2a$04$hash", r));
    for (int i = 0; i < Invitations.BLOCKS_MAX; i++) {
      String target = "spammer" + i;
      assertEquals(UserAccount.Done.INSTANCE,
          user.<UserAccount.Result>runCommand(r -> new UserAccount.SetBlocked(target, true, r)).reply());
    }
    var refused = (UserAccount.Rejected) user.<UserAccount.Result>runCommand(
        r -> new UserAccount.SetBlocked("one-more", true, r)).reply();
    assertEquals("too_many_blocks", refused.code());
    assertTrue(refused.message().contains(String.valueOf(Invitations.BLOCKS_MAX)), refused.message());
    user.<UserAccount.Result>runCommand(r -> new UserAccount.SetBlocked("spammer0", false, r));
    assertEquals(UserAccount.Done.INSTANCE,
        user.<UserAccount.Result>runCommand(r -> new UserAccount.SetBlocked("one-more", true, r)).reply(),
        "an unblock makes room for the next");
  }
}
