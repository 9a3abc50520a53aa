package parley.node.limits;

import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The time the node's rate limits count in, in nanoseconds: {@code System.nanoTime()}, unless
 * {@code parley.limits.clock} names a class (a {@link LongSupplier} with a no-argument constructor) to read it from
 * instead. A test names one it moves itself, so a limit's waits are exact and waiting one out takes no time. Only
 * the buckets and backoffs read it: nothing schedules against it.
 */
public final class RateClock implements Extension {
  private static final ExtensionId<RateClock> ID = new ExtensionId<>() {
    @Override
    public RateClock createExtension(ActorSystem<?> system) {
      return new RateClock(source(system.settings().config().getString("parley.limits.clock")));
    }
  };

  private final LongSupplier nanos;

  private RateClock(LongSupplier nanos) {
    this.nanos = nanos;
  }

  public static RateClock get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public long nanoTime() {
    return nanos.getAsLong();
  }

  /** The source itself (a test's, to move it). */
  public LongSupplier source() {
    return nanos;
  }

  private static LongSupplier source(String name) {
    if (name.isEmpty() || name.equals("system")) {
      return System::nanoTime;
    }
    try {
      return (LongSupplier) Class.forName(name).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException("parley.limits.clock: " + name + " is not a LongSupplier with a no-argument"
          + " constructor", e);
    }
  }
}
