package parley.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The node's metrics, one registry per ActorSystem (a Pekko extension), in Prometheus form through Micrometer with its
 * JVM binders; {@link MetricsEndpoint} serves them. What a part counts it counts here: cheap counters and timers on
 * the paths that already exist, never a message of their own.
 */
public final class NodeMetrics implements Extension {

  public static final class Id extends ExtensionId<NodeMetrics> {
    private static final Id INSTANCE = new Id();

    @Override
    public NodeMetrics createExtension(ActorSystem<?> system) {
      return new NodeMetrics(system);
    }
  }

  public static NodeMetrics get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger sessionsOpen = new AtomicInteger();
  private final Map<String, AtomicInteger> socketsByUser = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> entities = new ConcurrentHashMap<>();
  public final Counter sends;
  public final Counter deliveries;
  public final Timer ackLatency;
  public final Timer deliveryLatency;
  public final Timer journalWrite;
  public final Timer searchLag;

  private NodeMetrics(ActorSystem<?> system) {
    MeterRegistry r = registry;
    new ClassLoaderMetrics().bindTo(r);
    new JvmMemoryMetrics().bindTo(r);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(r);
    // The GC binder listens on the JVM's collectors: without this, every ActorSystem a JVM ever ran (tests run
    // dozens) would stay reachable from them, with its registry and all it measured.
    system.getWhenTerminated().whenComplete((done, failure) -> {
      gc.close();
      registry.close();
    });
    new JvmThreadMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    new FileDescriptorMetrics().bindTo(r);
    Gauge.builder("parley.sessions.open", sessionsOpen, AtomicInteger::get)
        .description("WebSocket sessions open on this node").register(r);
    Gauge.builder("parley.presence.users.connected", socketsByUser, Map::size)
        .description("Users with at least one socket on this node").register(r);
    sends = Counter.builder("parley.sends").description("Sends stored and acknowledged, WebSocket and HTTP").register(r);
    deliveries = Counter.builder("parley.deliveries").description("Timeline entries handed to sockets on this node")
        .register(r);
    ackLatency = latency("parley.ack.latency", "From a send read off the socket to its ack", r);
    deliveryLatency = latency("parley.delivery.latency",
        "From an entry stored (its sentAt, the room's clock) to handed to this node's sockets", r);
    journalWrite = latency("parley.journal.write", "One write of a room's batch of sends to the journal", r);
    searchLag = latency("parley.search.lag",
        "From a room event written to the journal to searchable (its batch committed to the index)", r);
    for (String type : new String[] {"room", "user"}) {
      AtomicLong n = entities.computeIfAbsent(type, t -> new AtomicLong());
      Gauge.builder("parley.entities.in.memory", n, AtomicLong::get).tag("type", type)
          .description("Entities this node's shard region holds in memory").register(r);
    }
    for (MemberStatus status : new MemberStatus[] {MemberStatus.joining(), MemberStatus.weaklyUp(), MemberStatus.up(),
        MemberStatus.leaving(), MemberStatus.exiting(), MemberStatus.down()}) {
      Gauge.builder("parley.cluster.members", system, s -> count(s, status))
          .tag("status", status.toString().toLowerCase(Locale.ROOT))
          .description("Cluster members as this node sees them, by status").register(r);
    }
    Gauge.builder("parley.cluster.members.unreachable", system, s -> Cluster.get(s).state().getUnreachable().size())
        .description("Members this node cannot reach").register(r);
  }

  private static double count(ActorSystem<?> system, MemberStatus status) {
    int n = 0;
    for (var m : Cluster.get(system).state().getMembers()) {
      if (m.status().equals(status)) {
        n++;
      }
    }
    return n;
  }

  private static Timer latency(String name, String description, MeterRegistry r) {
    return Timer.builder(name).description(description).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(30)).register(r);
  }

  public void sessionOpened(String username) {
    sessionsOpen.incrementAndGet();
    socketsByUser.computeIfAbsent(username, u -> new AtomicInteger()).incrementAndGet();
  }

  public void sessionClosed(String username) {
    sessionsOpen.decrementAndGet();
    socketsByUser.computeIfPresent(username, (u, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  /** A refusal by a rate limit: messages, receipts, login, signup. */
  public void rateLimited(String kind) {
    Counter.builder("parley.rate.limited").tag("kind", kind).description("Calls and frames refused by a rate limit")
        .register(registry).increment();
  }

  /** The search feed skipped an event its index could not take (see the WARN that names it). */
  public void searchSkipped() {
    Counter.builder("parley.search.skipped").description("Room events the search index could not take, skipped")
        .register(registry).increment();
  }

  /** A WebSocket closed by the node with {@code code}, or by the client ("client"). */
  public void webSocketClosed(String code) {
    Counter.builder("parley.websocket.closes").tag("code", code).description("WebSockets closed, by close code")
        .register(registry).increment();
  }

  public void entitiesInMemory(String type, long n) {
    entities.computeIfAbsent(type, t -> new AtomicLong()).set(n);
  }

  /** A room event became searchable {@code millis} after its journal write. */
  public void searchIndexed(long millis) {
    searchLag.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  public void ackTook(long nanos) {
    sends.increment();
    ackLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  private volatile int port = -1;

  void servedOn(int boundPort) {
    port = boundPort;
  }

  /** The port /metrics is served on, -1 while it is not. */
  public int port() {
    return port;
  }

  /** The text a Prometheus scrape gets. */
  public String scrape() {
    return registry.scrape();
  }
}
