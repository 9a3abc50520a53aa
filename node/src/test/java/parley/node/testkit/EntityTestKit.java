package parley.node.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import parley.node.room.ChatRoom;
import parley.node.room.Members;
import parley.node.room.RoomDirectory;
import parley.node.user.AccountMembers;
import parley.node.user.UserAccount;

/** An ActorTestKit with the in-memory persistence testkit, the node's serialization bindings and its sharding. */
public final class EntityTestKit {
  private EntityTestKit() {}

  public static Config config() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseString("""
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.seed-nodes = []
            pekko.coordinated-shutdown.exit-jvm = off
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            pekko.loglevel = WARNING
            # Leaving the one-node cluster and handing off shards can pass the default 10 s on a cold, busy
            # 2-core machine (seen once: "Failed to stop [entities] within [10 seconds]").
            pekko.actor.testkit.typed.system-shutdown-default = 30 s
            # A receiveMessage() or awaitAssert() without a deadline of its own (3 s by default) waits this, dilated.
            pekko.actor.testkit.typed.single-expect-default = 10 s
            # Tests make one entity's journal fail on purpose. The in-memory journal has one circuit breaker for every
            # entity: ten refused writes opened it, and every entity's recovery and writes failed fast for 30 s.
            pekko.persistence.testkit.journal.circuit-breaker.max-failures = 1000000
            parley.room.recent-entries = 5
            parley.room.dedupe-window = 20
            parley.room.snapshot-every = 7
            parley.presence.offline-grace = 200 ms
            parley.presence.reregister-grace = 500 ms
            parley.user.passivate-after = 1 s
            # Sessions here send in bursts to test what rooms do; the user's bucket has its own tests.
            parley.limits.messages.burst = 1000000
            parley.limits.messages.per-second = 1000000
            """))
        .withFallback(TestDatabase.config("jdbc:h2:mem:entities-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"))
        .withFallback(ConfigFactory.load());
  }

  /** A single-node cluster with the entities rooms and users talk to. */
  public static ActorTestKit start() {
    return start(ConfigFactory.empty());
  }

  public static ActorTestKit start(Config overrides) {
    ActorTestKit kit = ActorTestKit.create("entities", overrides.withFallback(config()));
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    Members.register(kit.system(), new AccountMembers(kit.system()));
    UserAccount.init(kit.system());
    RoomDirectory.init(kit.system());
    ChatRoom.init(kit.system());
    return kit;
  }
}
