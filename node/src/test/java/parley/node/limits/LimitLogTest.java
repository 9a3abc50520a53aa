package parley.node.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.EntityTestKit;
import parley.node.testkit.ManualClock;
import parley.node.testkit.InMemory;

/**
 * A user's log of the limits whose windows outlive an entity: counted by wall-clock time and read back from the
 * journal, so a restart of the entity (what a passivation or a node's restart does) opens no window again.
 */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitLogTest {
  private static final FailureBackoff.Rule PASSCODES =
      new FailureBackoff.Rule(5, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofMinutes(15));
  private ActorTestKit kit;


  @BeforeAll
  void start() {
    kit = EntityTestKit.start();
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private EventSourcedBehaviorTestKit<LimitLog.Command, LimitLog.Event, LimitLog.State> log(ManualClock clock) {
    return EventSourcedBehaviorTestKit.create(kit.system(), LimitLog.create("u" + UUID.randomUUID(), clock));
  }

  private static LimitLog.Answer take(EventSourcedBehaviorTestKit<LimitLog.Command, LimitLog.Event, LimitLog.State> log) {
    return log.<LimitLog.Answer>runCommand(r -> new LimitLog.Take("group-dms", 3, Duration.ofHours(1), r)).reply();
  }

  @Test
  void usesAreCountedInTheirWindowAcrossARestartAndAPlaceComesFreeAsTheOldestLeavesIt() {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
    var log = log(clock);
    assertEquals(LimitLog.Allowed.INSTANCE, take(log));
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    assertEquals(LimitLog.Allowed.INSTANCE, take(log));
    assertEquals(LimitLog.Allowed.INSTANCE, take(log));
    assertEquals(new LimitLog.Refused(Duration.ofMinutes(50).toMillis()), take(log), "the first leaves in 50 minutes");

    log.restart();
    assertEquals(new LimitLog.Refused(Duration.ofMinutes(50).toMillis()), take(log), "read back from the journal");
    var other = log.<LimitLog.Answer>runCommand(r -> new LimitLog.Take("rooms", 3, Duration.ofHours(1), r));
    assertEquals(LimitLog.Allowed.INSTANCE, other.reply(), "each limit counts its own");

    clock.now = clock.now.plus(Duration.ofMinutes(50));
    assertEquals(LimitLog.Allowed.INSTANCE, take(log), "the first use left the window");
    assertTrue(take(log) instanceof LimitLog.Refused, "and only one place came free");
  }

  @Test
  void wrongAttemptsEarnWaitsThatARestartKeepsAndARightOneForgets() {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
    var log = log(clock);
    String key = "passcode:vault";
    for (int i = 0; i < 5; i++) {
      assertEquals(LimitLog.Allowed.INSTANCE,
          log.<LimitLog.Answer>runCommand(r -> new LimitLog.WaitFor(key, PASSCODES, r)).reply(), "guess " + (i + 1));
      log.<LimitLog.Answer>runCommand(r -> new LimitLog.Fail(key, r));
    }
    assertEquals(new LimitLog.Refused(1000),
        log.<LimitLog.Answer>runCommand(r -> new LimitLog.WaitFor(key, PASSCODES, r)).reply(), "5 free, then 1 s");
    log.restart();
    clock.now = clock.now.plus(Duration.ofMinutes(4));
    // Four minutes idle, as a room passivated after two: still counted, the 1 s wait long over.
    assertEquals(LimitLog.Allowed.INSTANCE,
        log.<LimitLog.Answer>runCommand(r -> new LimitLog.WaitFor(key, PASSCODES, r)).reply());
    log.<LimitLog.Answer>runCommand(r -> new LimitLog.Fail(key, r));
    assertEquals(new LimitLog.Refused(2000),
        log.<LimitLog.Answer>runCommand(r -> new LimitLog.WaitFor(key, PASSCODES, r)).reply(),
        "the sixth wrong one in 15 minutes doubles the wait: not 5 more free");
    assertEquals(LimitLog.Allowed.INSTANCE, log.<LimitLog.Answer>runCommand(
        r -> new LimitLog.WaitFor("passcode:other", PASSCODES, r)).reply(), "another room's count is its own");

    log.<LimitLog.Answer>runCommand(r -> new LimitLog.Succeed(key, r));
    assertEquals(LimitLog.Allowed.INSTANCE,
        log.<LimitLog.Answer>runCommand(r -> new LimitLog.WaitFor(key, PASSCODES, r)).reply());
    assertTrue(log.<LimitLog.Answer>runCommand(r -> new LimitLog.Succeed(key, r)).hasNoEvents(),
        "nothing to forget: nothing written");
  }

  @Test
  void whatIsOlderThanTheLongestWindowIsDropped() {
    ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
    var log = log(clock);
    for (int i = 0; i < 3; i++) {
      take(log);
    }
    clock.now = clock.now.plus(Duration.ofDays(2));
    var result = log.<LimitLog.Answer>runCommand(r -> new LimitLog.Take("rooms", 20, Duration.ofHours(1), r));
    assertEquals(1, result.state().uses().size(), "the old group DMs are gone: " + result.state());
  }
}
