package parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.settings.ClientConnectionSettings;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;

/**
 * What one generator process shares among its connections: the ActorSystem, the recorders and counters, the
 * source address its sockets bind to. Recorders take values from many stream threads at once (HdrHistogram's
 * {@link Recorder} is wait-free for writers); counters are {@link LongAdder}s.
 */
public final class Load {
  /** Latencies in microseconds, up to an hour, three significant digits. */
  static final long MAX_MICROS = 3_600_000_000L;

  final ActorSystem system;
  final Materializer mat;
  final Http http;
  final Proto proto;
  final String text;
  final int outCapacity;
  final InetSocketAddress local;
  final ClientConnectionSettings connectionSettings;
  final ConnectionPoolSettings poolSettings;

  final Recorder ackLatency = new Recorder(MAX_MICROS, 3);
  final Recorder deliveryLatency = new Recorder(MAX_MICROS, 3);
  final Recorder connectLatency = new Recorder(MAX_MICROS, 3);

  final LongAdder sent = new LongAdder();
  final LongAdder acks = new LongAdder();
  final LongAdder deliveries = new LongAdder();
  final LongAdder errors = new LongAdder();
  /** Sends answered {@code unavailable} and sent again with the same clientMsgId (not errors). */
  final LongAdder resent = new LongAdder();
  final LongAdder overflow = new LongAdder();
  final LongAdder notOpen = new LongAdder();
  final LongAdder unexpectedCloses = new LongAdder();
  final LongAdder fetches = new LongAdder();
  /** Parley's presence frames received (each names one or more room mates). */
  final LongAdder presenceFrames = new LongAdder();
  /** v1.1 typing and receipt frames received ({@code --receipts}), and the receipt frames' characters. */
  final LongAdder typingFrames = new LongAdder();
  final LongAdder receiptFrames = new LongAdder();
  final LongAdder receiptChars = new LongAdder();
  /** Whether connections add v1.1's awareness traffic: typing before each send, delivered once a second per room. */
  final boolean typing;
  final boolean delivered;
  final LongAdder fetchFailures = new LongAdder();
  final AtomicLong lastDelivery = new AtomicLong();
  final AtomicLong lastAck = new AtomicLong();
  /** The highest seq acknowledged per room, over this process's connections. */
  final ConcurrentHashMap<String, Long> ackedSeq = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, Boolean> problems = new ConcurrentHashMap<>();

  /** Set while the generator itself drops its connections: those closes are expected. */
  volatile boolean dropping;

  /** The WebSocket client: {@code nio} (default) or {@code pekko}. */
  final Ws ws;

  Load(ActorSystem system, Proto proto, String text, int outCapacity, String localHost, String client,
      boolean typing, boolean delivered) throws IOException {
    this.typing = typing;
    this.delivered = delivered;
    this.system = system;
    this.mat = Materializer.createMaterializer(system);
    this.http = Http.get(system);
    this.proto = proto;
    this.text = text;
    this.outCapacity = outCapacity;
    this.local = new InetSocketAddress(localHost, 0);
    this.connectionSettings = ClientConnectionSettings.create(system).withLocalAddress(Optional.of(local));
    this.poolSettings = ConnectionPoolSettings.create(system).withConnectionSettings(connectionSettings);
    this.ws = client.equals("pekko") ? new PekkoWs(this) : new NioWs(local, outCapacity);
  }

  static void record(Recorder recorder, long micros) {
    recorder.recordValue(Math.max(1, Math.min(MAX_MICROS, micros)));
  }

  static void max(AtomicLong holder, long value) {
    long current;
    while ((current = holder.get()) < value && !holder.compareAndSet(current, value)) {
      // retry
    }
  }

  /** A problem worth reporting, kept to a handful. */
  void problem(String what) {
    if (problems.size() < 10) {
      problems.putIfAbsent(what, Boolean.TRUE);
    }
  }

  static Histogram empty() {
    return new Histogram(MAX_MICROS, 3);
  }
}
