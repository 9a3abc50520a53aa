package parley.node.limits;

import com.typesafe.config.Config;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What this node remembers per client address: failed logins ({@link FailureBackoff}) and sign-ups (a
 * {@link TokenBucket}). Kept on each node (a guesser behind a load balancer is counted by every node it reaches); the
 * account's own failures live in the user's entity, cluster-wide. An IPv6 client is counted by its /64, which one
 * host can fill with addresses. At most {@link #TRACKED} addresses of each kind are kept; past that, those with nothing
 * left to remember go first.
 */
public final class AddressLimits {
  static final int TRACKED = 100_000;

  private final FailureBackoff.Rule loginRule;
  private final int signupBurst;
  private final double signupsPerSecond;
  private final Map<Key, FailureBackoff> logins = new ConcurrentHashMap<>();
  private final Map<Key, TokenBucket> signups = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  /** {@code clock}: nanoseconds, as {@link RateClock} gives them. */
  public AddressLimits(FailureBackoff.Rule loginRule, int signupBurst, double signupsPerHour, LongSupplier clock) {
    this.loginRule = loginRule;
    this.signupBurst = signupBurst;
    this.signupsPerSecond = signupsPerHour / 3600.0;
    this.clock = clock;
  }

  public static AddressLimits of(ActorSystem<?> system) {
    Config config = system.settings().config();
    return new AddressLimits(
        FailureBackoff.Rule.fromConfig(config.getConfig("parley.limits.login.per-address")),
        config.getInt("parley.limits.signup.burst"),
        config.getDouble("parley.limits.signup.per-hour"),
        RateClock.get(system).source());
  }

  public int signupBurst() {
    return signupBurst;
  }

  /** Sign-ups an hour after the burst, for messages. */
  public String signupsPerHour() {
    return TokenBucket.rate(signupsPerSecond * 3600);
  }

  /** Milliseconds this address waits before its next login is checked (0: now). */
  public long loginWait(InetAddress address) {
    return withEntry(logins, address, null, b -> b.waitMillis(clock.getAsLong()), 0L);
  }

  /** This address failed a login within the window. */
  public boolean recentLoginFailure(InetAddress address) {
    return withEntry(logins, address, null, b -> b.recent(clock.getAsLong()), false);
  }

  public void loginFailed(InetAddress address) {
    withEntry(logins, address, () -> new FailureBackoff(loginRule), b -> {
      b.failed(clock.getAsLong());
      return null;
    }, null);
    trim(logins, b -> !b.recent(clock.getAsLong()));
  }

  /** Takes a sign-up from this address: 0, or the milliseconds until it may sign up again. */
  public long takeSignup(InetAddress address) {
    long wait = withEntry(signups, address, () -> new TokenBucket(signupBurst, signupsPerSecond, clock.getAsLong()),
        b -> b.take(clock.getAsLong()), 0L);
    trim(signups, b -> b.full(clock.getAsLong()));
    return wait;
  }

  private static <V, R> R withEntry(Map<Key, V> map, InetAddress address, Supplier<V> create,
      Function<V, R> use, R absent) {
    if (address == null) {
      return absent;
    }
    Key key = Key.of(address);
    V value = create == null ? map.get(key) : map.computeIfAbsent(key, k -> create.get());
    if (value == null) {
      return absent;
    }
    synchronized (value) {
      return use.apply(value);
    }
  }

  private static <V> void trim(Map<Key, V> map, Predicate<V> forgettable) {
    if (map.size() <= TRACKED) {
      return;
    }
    map.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        return forgettable.test(e.getValue());
      }
    });
    // Still too many: all of them are busy; drop arbitrary ones rather than grow without bound.
    var it = map.keySet().iterator();
    while (map.size() > TRACKED && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  /** An IPv4 address, or an IPv6 address's /64. */
  private record Key(byte[] bytes) {
    static Key of(InetAddress address) {
      byte[] raw = address.getAddress();
      return new Key(address instanceof Inet6Address ? Arrays.copyOf(raw, 8) : raw);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }
}
