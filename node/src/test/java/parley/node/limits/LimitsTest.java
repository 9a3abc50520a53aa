package parley.node.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;

/** The two rules every rate limit is made of, on a clock the test moves. */
@InMemory
class LimitsTest {
  private static final long S = 1_000_000_000L;

  @Test
  void aBucketGivesItsBurstThenItsRateAndSaysWhenTheNextTokenComes() {
    long t = 5 * S;
    TokenBucket bucket = new TokenBucket(30, 10, t);
    for (int i = 0; i < 30; i++) {
      assertEquals(0, bucket.take(t), "send " + (i + 1) + " of the burst");
    }
    assertEquals(100, bucket.take(t), "the 31st waits a tenth of a second");
    assertEquals(50, bucket.take(t + 50_000_000L), "and half that, half-way there");
    assertEquals(0, bucket.take(t + S / 10));
    assertEquals(100, bucket.take(t + S / 10));
    // A second later, 10 more and no more.
    int taken = 0;
    while (bucket.take(t + S / 10 + S) == 0) {
      taken++;
    }
    assertEquals(10, taken);
    assertFalse(bucket.full(t + 2 * S));
    assertTrue(bucket.full(t + 10 * S), "3 s of refill fill 30 tokens; no more than the burst");
    for (int i = 0; i < 30; i++) {
      assertEquals(0, bucket.take(t + 100 * S));
    }
    assertTrue(bucket.take(t + 100 * S) > 0);
  }

  @Test
  void failuresPastTheFreeOnesDoubleTheWaitUpToTheLongestAndAreForgottenAfterTheWindow() {
    var rule = new FailureBackoff.Rule(5, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofMinutes(15));
    FailureBackoff b = new FailureBackoff(rule);
    long t = 7 * S;
    for (int i = 0; i < 4; i++) {
      b.failed(t);
      assertEquals(0, b.waitMillis(t), "failure " + (i + 1) + " is free");
    }
    assertTrue(b.recent(t));
    b.failed(t);
    assertEquals(1000, b.waitMillis(t), "the 5th failure costs a second");
    assertEquals(0, b.waitMillis(t + S));
    long[] expected = {2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 512000, 900000, 900000};
    for (long wait : expected) {
      t += S;
      b.failed(t);
      assertEquals(wait, b.waitMillis(t));
    }
    t += 15 * 60 * S;
    assertEquals(0, b.waitMillis(t), "15 minutes after the last failure, all are forgotten");
    assertFalse(b.recent(t));
  }

  @Test
  void callsRunningAreCountedPerKeyAndOneTooManyIsRefusedNotQueued() throws Exception {
    InFlight searches = new InFlight(2);
    assertTrue(searches.tryStart("alice"));
    assertTrue(searches.tryStart("alice"));
    assertFalse(searches.tryStart("alice"), "a third of alice's");
    assertTrue(searches.tryStart("bob"), "bob's own count");
    searches.end("alice");
    assertTrue(searches.tryStart("alice"), "one ended, one more may run");
    searches.end("alice");
    searches.end("alice");
    assertEquals(0, searches.running("alice"));
    searches.end("alice");
    assertEquals(0, searches.running("alice"), "an end too many does not go below none");
    // Many threads at once never run more than the limit together.
    InFlight shared = new InFlight(3);
    java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          if (shared.tryStart("carol")) {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            now.decrementAndGet();
            shared.end("carol");
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(most.get() <= 3, "at most 3 at once: " + most.get());
    assertEquals(0, shared.running("carol"));
  }
}
