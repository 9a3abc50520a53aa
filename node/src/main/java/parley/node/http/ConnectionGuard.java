package parley.node.http;

import com.sun.management.UnixOperatingSystemMXBean;
import com.typesafe.config.Config;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.IncomingConnection;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.stage.GraphStageLogic;

/**
 * Who may hold connections to the node's HTTP port. The node accepts at most {@code maxConnections} at once, plain
 * HTTP and WebSocket together (it stops accepting until one ends), set below the process's open-file limit so that a
 * flood of sockets cannot take the descriptors the database pool, the journal and the cluster need. Below that
 * ceiling nobody may take the node for themselves: one client address holds at most {@code perAddress} connections
 * of any kind, and of those at most {@code unauthenticatedPerAddress} that have not authenticated (no request with a
 * valid token, no WebSocket); one user holds at most {@code perUser} plain HTTP connections on this node (their
 * WebSockets are the user entity's to count, over all nodes). Past any of these the connection is answered 429
 * {@code too_many_connections}, saying which limit, and closed. Trusted proxies are not counted per address.
 *
 * <p>Pekko HTTP's own {@code max-connections} cannot do this: it stops counting a connection once it has become a
 * WebSocket. Here each connection holds a {@link Slot} until its HTTP phase ends and, if it was upgraded, until its
 * WebSocket ends.
 */
final class ConnectionGuard {
  /** The request attribute that carries its connection's slot to the routes. */
  static final AttributeKey<Slot> SLOT = AttributeKey.create("parley-connection", Slot.class);
  /** An upgrade whose WebSocket never started (the peer left in between) gives its slot back after this. */
  private static final Duration UPGRADE_GRACE = Duration.ofSeconds(10);

  record Settings(int maxConnections, int perAddress, int unauthenticatedPerAddress, int perUser,
      Set<InetAddress> trustedProxies, Duration firstRequestTimeout) {
    static Settings fromConfig(Config config) {
      long limit = openFileLimit();
      int reserve = config.getInt("parley.http.fd-reserve");
      int ceiling = (int) Math.max(64, Math.min(Integer.MAX_VALUE, limit - reserve));
      String configured = config.getString("parley.http.max-connections");
      int max = "auto".equals(configured) ? ceiling : Math.min(Integer.parseInt(configured), ceiling);
      String addressShare = config.getString("parley.limits.connections-per-address");
      int perAddress = "auto".equals(addressShare) ? Math.max(1, max / 4) : Integer.parseInt(addressShare);
      Set<InetAddress> proxies = new HashSet<>();
      for (String proxy : config.getStringList("parley.limits.trusted-proxies")) {
        try {
          proxies.add(InetAddress.getByName(proxy));
        } catch (UnknownHostException e) {
          throw new IllegalArgumentException("parley.limits.trusted-proxies: not an address: " + proxy, e);
        }
      }
      return new Settings(max, perAddress,
          Math.min(perAddress, config.getInt("parley.limits.unauthenticated-per-address")),
          config.getInt("parley.limits.http-connections-per-user"), Set.copyOf(proxies),
          config.getDuration("parley.http.first-request-timeout"));
    }

    /** The process's open-file limit; a generous guess where the JVM cannot tell. */
    static long openFileLimit() {
      if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
        return unix.getMaxFileDescriptorCount();
      }
      return 10_000;
    }
  }

  private final ActorSystem<?> system;
  private final Settings settings;
  /** Per address, its connections that have not authenticated; an address with none has no entry. */
  private final ConcurrentHashMap<InetAddress, Integer> unauthenticated = new ConcurrentHashMap<>();
  /** Per address, all its connections; an address with none has no entry. */
  private final ConcurrentHashMap<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();
  /**
   * Per address, its admitted connections that have not sent a whole request yet, oldest first: what a newcomer over
   * the address's unauthenticated limit may push out (an address with none has no entry).
   */
  private final ConcurrentHashMap<InetAddress, ConcurrentLinkedDeque<Slot>> silent = new ConcurrentHashMap<>();
  /** Per user, the plain HTTP connections that authenticated as them; a user with none has no entry. */
  private final ConcurrentHashMap<String, Integer> byUser = new ConcurrentHashMap<>();
  private final Materializer materializer;

  ConnectionGuard(ActorSystem<?> system, Settings settings) {
    this.system = system;
    this.settings = settings;
    this.materializer = Materializer.matFromSystem(system);
  }


  /** Binds {@code source}, handing each connection to {@code handler} (built once, run per connection). */
  CompletionStage<ServerBinding> bind(
      Source<IncomingConnection, CompletionStage<ServerBinding>> source, Flow<HttpRequest, HttpResponse, NotUsed> handler) {
    Flow<HttpRequest, HttpResponse, NotUsed> overAddress = refusal("this address holds " + settings.perAddress()
        + " connections to this node, the limit (parley.limits.connections-per-address); close some and try again");
    Flow<HttpRequest, HttpResponse, NotUsed> overUnauthenticated = refusal("this address has "
        + settings.unauthenticatedPerAddress() + " connections that have not logged in, the limit "
        + "(parley.limits.unauthenticated-per-address); close some and try again");
    return source
        .mapAsyncUnordered(settings.maxConnections(),
            connection -> handle(connection, handler, overAddress, overUnauthenticated))
        .to(Sink.ignore())
        .run(system);
  }

  private CompletionStage<Done> handle(
      IncomingConnection connection, Flow<HttpRequest, HttpResponse, NotUsed> handler,
      Flow<HttpRequest, HttpResponse, NotUsed> overAddress, Flow<HttpRequest, HttpResponse, NotUsed> overUnauthenticated) {
    InetSocketAddress remote = connection.remoteAddress();
    Slot slot = new Slot(remote == null ? null : remote.getAddress());
    Flow<HttpRequest, HttpResponse, NotUsed> served = switch (slot.countAgainstAddress()) {
      case ADMITTED -> handler;
      case ADDRESS_FULL -> overAddress;
      case UNAUTHENTICATED_FULL -> overUnauthenticated;
    };
    try {
      CompletionStage<Done> httpDone = connection.handleWith(
          Flow.of(HttpRequest.class)
              .via(slot.kill.flow())
              .via(new FirstRequestDeadline(settings.firstRequestTimeout(), slot::hasRequested))
              .watchTermination(Keep.right())
              .map(request -> {
                slot.requested();
                return request.addAttribute(SLOT, slot);
              })
              .via(served)
              .watchTermination((before, after) -> before.handle((d, e) -> after).thenCompose(s -> s)),
          materializer);
      httpDone.whenComplete((d, e) -> slot.httpEnded());
    } catch (RuntimeException e) {
      slot.httpEnded();
    }
    return slot.released.handle((d, e) -> Done.getInstance());
  }

  /** Over a limit of the address: one JSON answer, then the connection closes; a silent one closes after 5 s. */
  private Flow<HttpRequest, HttpResponse, NotUsed> refusal(String why) {
    HttpResponse refused = RouteSupport.errorResponse(StatusCodes.TOO_MANY_REQUESTS, "too_many_connections", why)
        .addHeader(Connection.create("close"));
    HttpResponse answer = BrowserGuard.withSecurityHeaders(refused);
    return Flow.of(HttpRequest.class)
        .via(new IdleBetweenRequests(Duration.ofSeconds(5)))
        .take(1)
        .map(request -> {
          request.discardEntityBytes(system);
          return answer;
        });
  }

  /** The answer to a request of a user who holds {@code perUser} plain connections already; this one then closes. */
  private HttpResponse userOverLimit() {
    return RouteSupport.errorResponse(StatusCodes.TOO_MANY_REQUESTS, "too_many_connections", "you hold "
            + settings.perUser() + " connections to this node that are not WebSockets, the limit "
            + "(parley.limits.http-connections-per-user); send more requests on each (keep-alive) or close some")
        .addHeader(Connection.create("close"));
  }

  /**
   * The client's address: the connection's peer, or, when that is a trusted proxy, the last address in
   * {@code X-Forwarded-For} that is not one (a client may put anything before that; a proxy that names nobody usable
   * is taken for the client). Empty when the request did not come through a guard (a route under test).
   */
  static Optional<InetAddress> clientAddress(HttpRequest request) {
    return of(request).flatMap(slot -> slot.client(request));
  }

  /** A trusted proxy says the client spoke TLS to it ({@code X-Forwarded-Proto: https}). */
  static boolean forwardedHttps(HttpRequest request) {
    return of(request).filter(slot -> slot.address != null && slot.settings().trustedProxies().contains(slot.address))
        .flatMap(slot -> request.getHeader("X-Forwarded-Proto"))
        .map(h -> h.value().trim().equalsIgnoreCase("https"))
        .orElse(false);
  }

  /** The slot of the connection a request came on, if it came through a guard (tests may call routes directly). */
  static Optional<Slot> of(HttpRequest request) {
    return request.getAttribute(SLOT);
  }

  /** An IP address written as one (never a name: no lookup), without brackets or a port. */
  static Optional<InetAddress> literal(String text) {
    String t = text;
    if (t.startsWith("[")) {
      int end = t.indexOf(']');
      t = end < 0 ? "" : t.substring(1, end);
    } else if (t.indexOf(':') > 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      t = t.substring(0, t.indexOf(':')); // IPv4 with a port
    }
    if (t.isEmpty() || t.length() > 45 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
        || (t.indexOf(':') < 0 && !t.chars().allMatch(c -> Character.isDigit(c) || c == '.'))) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(t));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private enum Admission { ADMITTED, ADDRESS_FULL, UNAUTHENTICATED_FULL }

  /**
   * The wait for a connection's first whole request, cut short: a connection that has sent none within the deadline
   * (nothing at all, or a head that never finishes: slowloris) is closed, as nginx's client_header_timeout does.
   * After the first request the watch is over; the idle timeout between requests is {@link IdleBetweenRequests}'.
   */
  private static final class FirstRequestDeadline extends WaitTimeout<HttpRequest> {
    private final BooleanSupplier requested;

    FirstRequestDeadline(Duration timeout, BooleanSupplier requested) {
      super("FirstRequestDeadline", timeout, System::nanoTime);
      this.requested = requested;
    }

    @Override
    protected boolean timedOut(GraphStageLogic logic) {
      if (!requested.getAsBoolean()) {
        logic.completeStage();
      }
      return true;
    }
  }

  /**
   * One connection's place: counted against its address until it ends, and as one of the address's unauthenticated
   * connections until it authenticates; a plain connection that authenticated counts against its user until it ends
   * or becomes a WebSocket.
   */
  final class Slot {
    private final InetAddress address;
    private final AtomicBoolean counted = new AtomicBoolean();
    private final AtomicBoolean countedForAddress = new AtomicBoolean();
    private final AtomicBoolean upgraded = new AtomicBoolean();
    private final AtomicBoolean webSocketStarted = new AtomicBoolean();
    private final AtomicBoolean releasedOnce = new AtomicBoolean();
    private final AtomicBoolean sentRequest = new AtomicBoolean();
    /** Ends the connection's request side: how a newcomer pushes out a silent connection of its address. */
    private final SharedKillSwitch kill = KillSwitches.shared("connection");
    /** The user whose plain connection this is (counted in {@link #byUser}), or null. */
    private String user;
    final CompletableFuture<Done> released = new CompletableFuture<>();

    private Slot(InetAddress address) {
      this.address = address;
    }

    /** Counts the connection against its address, unless the address holds its limit of either kind already. */
    private Admission countAgainstAddress() {
      if (address == null || settings.trustedProxies().contains(address)) {
        return Admission.ADMITTED;
      }
      countedForAddress.set(true);
      counted.set(true);
      int all = byAddress.merge(address, 1, Integer::sum);
      int fresh = unauthenticated.merge(address, 1, Integer::sum);
      if (all > settings.perAddress()) {
        return Admission.ADDRESS_FULL;
      }
      if (fresh > settings.unauthenticatedPerAddress() && !pushOutOldestSilent()) {
        return Admission.UNAUTHENTICATED_FULL;
      }
      silent.compute(address, (a, q) -> {
        ConcurrentLinkedDeque<Slot> waiting = q == null ? new ConcurrentLinkedDeque<>() : q;
        waiting.addLast(this);
        return waiting;
      });
      return Admission.ADMITTED;
    }

    /**
     * Over the address's limit of connections that have not logged in, the oldest of them that has not even sent a
     * request makes room: idle sockets held open by someone else on the address never keep its users out. Those
     * that sent a request (a login, a sign-up in progress) are not pushed out. False when there is none.
     */
    private boolean pushOutOldestSilent() {
      ConcurrentLinkedDeque<Slot> waiting = silent.get(address);
      Slot oldest;
      while (waiting != null && (oldest = waiting.pollFirst()) != null) {
        if (!oldest.sentRequest.get()) {
          oldest.kill.shutdown();
          return true;
        }
      }
      return false;
    }

    boolean hasRequested() {
      return sentRequest.get();
    }

    /** A whole request arrived: the connection is no longer a silent one. */
    private void requested() {
      if (sentRequest.compareAndSet(false, true)) {
        leaveSilent();
      }
    }

    private void leaveSilent() {
      if (address != null) {
        silent.computeIfPresent(address, (a, q) -> {
          q.remove(this);
          return q.isEmpty() ? null : q;
        });
      }
    }

    /**
     * A request on this connection authenticated as {@code username}: false when that user holds their limit of plain
     * connections already (this one is then answered 429 and closes, and is not counted).
     */
    synchronized boolean authenticatedAs(String username) {
      authenticated();
      if (upgraded.get() || username.equals(user)) {
        return true;
      }
      boolean[] within = {false};
      byUser.compute(username, (u, n) -> {
        int held = n == null ? 0 : n;
        within[0] = held < settings.perUser();
        return within[0] ? held + 1 : n;
      });
      if (!within[0]) {
        return false;
      }
      releaseUser();
      user = username;
      return true;
    }

    /** The answer when {@link #authenticatedAs} said no. */
    HttpResponse userOverLimit() {
      return ConnectionGuard.this.userOverLimit();
    }

    private synchronized void releaseUser() {
      if (user != null) {
        byUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
        user = null;
      }
    }

    private Settings settings() {
      return settings;
    }

    private Optional<InetAddress> client(HttpRequest request) {
      if (address == null || !settings.trustedProxies().contains(address)) {
        return Optional.ofNullable(address);
      }
      List<String> hops = new ArrayList<>();
      for (var header : request.getHeaders()) {
        if (header.is("x-forwarded-for")) {
          for (String hop : header.value().split(",")) {
            hops.add(hop.trim());
          }
        }
      }
      // A proxy that names no usable client (no header, "unknown") is counted as the client: limits still apply.
      InetAddress last = address;
      for (int i = hops.size() - 1; i >= 0; i--) {
        Optional<InetAddress> hop = literal(hops.get(i));
        if (hop.isEmpty()) {
          return Optional.of(last);
        }
        if (!settings.trustedProxies().contains(hop.get())) {
          return hop;
        }
        last = hop.get();
      }
      return Optional.of(last);
    }

    /** A request on this connection carried a valid token (or opened a WebSocket): it no longer counts per address. */
    void authenticated() {
      if (counted.compareAndSet(true, false)) {
        unauthenticated.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
      }
    }

    /**
     * The route answered with a WebSocket upgrade: the slot is held until that WebSocket ends, and counts as one of
     * the user's sockets from now on, no longer as a plain connection.
     */
    void upgraded() {
      authenticated();
      upgraded.set(true);
      releaseUser();
    }

    void webSocketStarted() {
      webSocketStarted.set(true);
    }

    void webSocketEnded() {
      release();
    }

    private void httpEnded() {
      authenticated();
      if (!upgraded.get()) {
        release();
      } else if (!webSocketStarted.get()) {
        CompletableFuture.delayedExecutor(UPGRADE_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
          if (!webSocketStarted.get()) {
            release();
          }
        });
      }
    }

    private void release() {
      if (releasedOnce.compareAndSet(false, true)) {
        leaveSilent();
        releaseUser();
        if (countedForAddress.compareAndSet(true, false)) {
          byAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
        released.complete(Done.getInstance());
      }
    }
  }
}
