package parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * The chaos harness's users, as the terminal client behaves: writers post over REST with a clientMsgId and send the
 * same id again until it is stored (to the same node after a 503, to the next node they may reach after a timeout or
 * a refused connection); readers follow every room over a WebSocket and, when it drops or goes silent, reconnect to
 * the next node naming each room's last seq in {@code after}. Everything acknowledged and everything seen is kept
 * for the checker.
 */
final class ChaosLoad {
  static final String PASSWORD = "chaos-password-1";
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(12); // over the node's 10 s ask timeout
  private static final long SEND_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  final List<String> rooms = new ArrayList<>();
  String ownerToken;
  private final List<String> writerTokens = new ArrayList<>();
  final List<Reader> readers = new ArrayList<>();
  /** "room|clientMsgId" to the seq the room acknowledged. */
  final Map<String, Long> acked = new ConcurrentHashMap<>();
  /** Sends given up on unanswered (only if the run ends first): stored at most once, maybe not at all. */
  final Set<String> unresolved = ConcurrentHashMap.newKeySet();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong rateLimited = new AtomicLong();
  final List<String> unexpected = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final List<Thread> writers = new ArrayList<>();
  /** The nodes each writer may reach: all by default; one side of a split while it lasts. */
  private volatile int[][] reach;

  /** The users and rooms: one owner, {@code writerCount} writers (homed on the nodes in turn), a reader per node. */
  void setUp(int roomCount, int writerCount) throws Exception {
    String stamp = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    ownerToken = signUp(0, "owner" + stamp);
    for (int w = 0; w < writerCount; w++) {
      writerTokens.add(signUp(w % ChaosHosts.NODES, "w" + w + "x" + stamp));
    }
    for (int r = 0; r < ChaosHosts.NODES; r++) {
      readers.add(new Reader(r, signUp(r, "r" + r + "x" + stamp)));
    }
    for (int r = 0; r < roomCount; r++) {
      JsonNode room = call(r % ChaosHosts.NODES, "POST", "/api/v1/rooms", ownerToken,
          "{\"name\":\"chaos " + r + "\"}", Duration.ofSeconds(15)).expect(201);
      String id = room.get("id").asText();
      rooms.add(id);
      for (String t : writerTokens) {
        call(r % ChaosHosts.NODES, "POST", "/api/v1/rooms/" + id + "/join", t, null, Duration.ofSeconds(15)).expect(200);
      }
      for (Reader reader : readers) {
        call(r % ChaosHosts.NODES, "POST", "/api/v1/rooms/" + id + "/join", reader.token, null, Duration.ofSeconds(15))
            .expect(200);
      }
    }
    unreach();
    for (Reader reader : readers) {
      reader.connect();
    }
  }

  private String signUp(int node, String name) throws Exception {
    String credentials = "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}";
    call(node, "POST", "/api/v1/auth/signup", null, credentials, Duration.ofSeconds(15)).expect(201);
    return call(node, "POST", "/api/v1/auth/login", null, credentials, Duration.ofSeconds(15)).expect(200)
        .get("token").asText();
  }

  int writerCount() {
    return writerTokens.size();
  }

  static int home(int writer) {
    return writer % ChaosHosts.NODES;
  }

  /** Writers whose home is in {@code side} reach only {@code side}, the others only the rest (a split with clients on both sides). */
  void split(Set<Integer> side) {
    int[][] r = new int[writerTokens.size()][];
    for (int w = 0; w < r.length; w++) {
      boolean in = side.contains(home(w));
      r[w] = IntStream.range(0, ChaosHosts.NODES).filter(n -> side.contains(n) == in).toArray();
    }
    reach = r;
  }

  void unreach() {
    int[][] r = new int[writerTokens.size()][];
    for (int w = 0; w < r.length; w++) {
      int home = home(w);
      r[w] = IntStream.range(0, ChaosHosts.NODES).map(n -> (home + n) % ChaosHosts.NODES).toArray();
    }
    reach = r;
  }

  void startWriters() {
    running.set(true);
    writers.clear();
    for (int w = 0; w < writerTokens.size(); w++) {
      int writer = w;
      Thread t = new Thread(() -> write(writer), "chaos-writer-" + w);
      t.setDaemon(true);
      t.start();
      writers.add(t);
    }
  }

  /** Stops the writers once each has its message in hand stored: afterwards every send is acknowledged. */
  void stopWriters() throws InterruptedException {
    running.set(false);
    for (Thread t : writers) {
      t.join(TimeUnit.MINUTES.toMillis(3));
    }
  }

  private final Map<Integer, Integer> sequence = new ConcurrentHashMap<>();

  private void write(int w) {
    int i = sequence.getOrDefault(w, 0);
    int preferred = 0;
    long next = System.nanoTime();
    while (running.get()) {
      String room = rooms.get((w + i) % rooms.size());
      String id = "w" + w + "-" + i;
      preferred = sendUntilStored(w, preferred, room, id, TimeUnit.MINUTES.toNanos(3));
      i++;
      sequence.put(w, i);
      next = Math.max(next + SEND_EVERY_NANOS, System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
      LockSupport.parkNanos(next - System.nanoTime());
    }
  }

  /** Sends one message until it is stored; returns the index (in the writer's reach) of the node that stored it. */
  private int sendUntilStored(int w, int preferred, String room, String id, long giveUpNanos) {
    long deadline = System.nanoTime() + giveUpNanos;
    String body = "{\"clientMsgId\":\"" + id + "\",\"text\":\"chaos " + id + "\"}";
    int unavailableHere = 0;
    while (System.nanoTime() < deadline) {
      int[] nodes = reach[w];
      int node = nodes[Math.floorMod(preferred, nodes.length)];
      Reply reply = call(node, "POST", "/api/v1/rooms/" + room + "/messages", writerTokens.get(w), body, SEND_TIMEOUT);
      if (reply.status == 201) {
        acked.put(room + "|" + id, reply.body.get("seq").asLong());
        return preferred;
      }
      if (reply.status == 503) {
        refused.incrementAndGet();
        // The node answered: the room is moving or out of its reach. A client asks again, and after a second
        // refusal tries another node.
        if (++unavailableHere >= 2) {
          unavailableHere = 0;
          preferred++;
        }
        continue;
      }
      if (reply.status == 429) {
        rateLimited.incrementAndGet();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        continue;
      }
      if (reply.status < 0) {
        failed.incrementAndGet();
      } else {
        synchronized (unexpected) {
          if (unexpected.size() < 50) {
            unexpected.add(reply.status + " " + reply.body + " (" + id + " via node " + (node + 1) + ")");
          }
        }
      }
      unavailableHere = 0;
      preferred++;
      // A refused connection comes back at once: do not spin on a node that is down.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    unresolved.add(room + "|" + id);
    return preferred;
  }

  /**
   * The availability probe: one message per room, sent through {@code nodes} in turn until stored; returns, per room,
   * the seconds from {@code fromNanos} until it was. Each probe is acknowledged like any message (the checker finds it).
   * A message sent to a room on a node that is unreachable but not yet downed is lost on the way and answered with
   * 503 only after the node's ask timeout (10 s): a probe that waited for that would time the ask timeout, not the
   * room. So probes give up after {@code timeout} (1 s for the figures, as ClusterFaultTest's) and send the same
   * clientMsgId again: the figure is exact to about that.
   */
  double[] probe(String tag, int[] nodes, long fromNanos, Duration timeout) throws InterruptedException {
    double[] seconds = new double[rooms.size()];
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < rooms.size(); r++) {
      int room = r;
      Thread t = new Thread(() -> {
        String id = "probe-" + tag + "-" + room;
        String body = "{\"clientMsgId\":\"" + id + "\",\"text\":\"probe\"}";
        int attempt = room;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (System.nanoTime() < deadline) {
          int node = nodes[Math.floorMod(attempt++, nodes.length)];
          Reply reply = call(node, "POST", "/api/v1/rooms/" + rooms.get(room) + "/messages", ownerToken, body, timeout);
          if (reply.status == 201) {
            acked.put(rooms.get(room) + "|" + id, reply.body.get("seq").asLong());
            seconds[room] = (System.nanoTime() - fromNanos) / 1e9;
            return;
          }
          if (reply.status < 0 || reply.status == 503) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
          }
        }
        unresolved.add(rooms.get(room) + "|" + id);
        seconds[room] = Double.NaN;
      }, "chaos-probe-" + r);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return seconds;
  }

  record Reply(int status, JsonNode body) {
    JsonNode expect(int wanted) {
      if (status != wanted) {
        throw new IllegalStateException("expected " + wanted + ", got " + status + " " + body);
      }
      return body;
    }
  }

  /** One HTTP call; status -1 if no answer came (refused, reset, timed out). */
  Reply call(int node, String method, String path, String token, String body, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ChaosHosts.http(node) + path)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = r.body().isEmpty() ? Bench.JSON.nullNode() : Bench.JSON.readTree(r.body());
      return new Reply(r.statusCode(), json);
    } catch (IOException e) {
      return new Reply(-1, Bench.JSON.getNodeFactory().textNode(String.valueOf(e)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(-1, Bench.JSON.nullNode());
    }
  }

  /**
   * A user following every room over a WebSocket, from its home node; checks that each room's seqs come once and in
   * order. A socket that closes, fails, or brings nothing for {@link #SILENT} while the writers run is replaced by
   * one to the next node, resuming every room after its last seq.
   */
  final class Reader implements WebSocket.Listener {
    static final Duration SILENT = Duration.ofSeconds(15);
    final String token;
    int node;
    final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong gaps = new AtomicLong();
    final List<String> firstProblems = new ArrayList<>();
    volatile long lastFrameNanos = System.nanoTime();
    volatile boolean open;
    int reconnects;
    private WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    Reader(int node, String token) {
      this.node = node;
      this.token = token;
    }

    /** Connects to its node, or the next ones, resuming after what it has seen; false if no node took it. */
    synchronized boolean connect() {
      for (int attempt = 0; attempt < ChaosHosts.NODES; attempt++) {
        StringBuilder after = new StringBuilder();
        lastSeq.forEach((room, seq) -> after.append(after.length() == 0 ? "" : ",").append(room).append(':').append(seq));
        String query = after.length() == 0 ? "" : "?after=" + URLEncoder.encode(after.toString(), StandardCharsets.UTF_8);
        try {
          partial.setLength(0);
          socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
              .connectTimeout(Duration.ofSeconds(3))
              .buildAsync(URI.create("ws://" + ChaosHosts.ip(node) + ":8080/api/v1/ws" + query), this)
              .get(10, TimeUnit.SECONDS);
          open = true;
          lastFrameNanos = System.nanoTime();
          return true;
        } catch (Exception e) {
          node = (node + 1) % ChaosHosts.NODES;
        }
      }
      return false;
    }

    /** Reconnects if the socket is gone or silent; called by the harness's watch loop. */
    void watch() {
      if (!open || System.nanoTime() - lastFrameNanos > SILENT.toNanos()) {
        synchronized (this) {
          if (socket != null) {
            socket.abort();
          }
          open = false;
          reconnects++;
          node = (node + 1) % ChaosHosts.NODES;
          connect();
        }
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      synchronized (this) {
        if (ws != socket) {
          ws.request(1);
          return null;
        }
        partial.append(data);
        if (last) {
          frame(partial.toString());
          partial.setLength(0);
        }
      }
      ws.request(1);
      return null;
    }

    private void frame(String text) {
      lastFrameNanos = System.nanoTime();
      JsonNode f;
      try {
        f = Bench.JSON.readTree(text);
      } catch (IOException e) {
        problem("unparsable frame " + text);
        return;
      }
      switch (f.path("type").asText()) {
        case "hello" -> {
          for (JsonNode r : f.path("rooms")) {
            lastSeq.putIfAbsent(r.get("id").asText(), r.get("lastSeq").asLong());
          }
        }
        case "message" -> {
          String room = f.get("room").asText();
          long seq = f.get("seq").asLong();
          long prev = lastSeq.getOrDefault(room, 0L);
          if (seq <= prev) {
            duplicates.incrementAndGet();
            problem("seq " + seq + " of " + room + " again (had " + prev + ")");
          } else {
            if (seq != prev + 1) {
              gaps.incrementAndGet();
              problem("seq " + seq + " of " + room + " after " + prev);
            }
            lastSeq.put(room, seq);
          }
        }
        default -> { }
      }
    }

    private void problem(String what) {
      synchronized (firstProblems) {
        if (firstProblems.size() < 20) {
          firstProblems.add(what);
        }
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      if (ws == socket) {
        open = false;
      }
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      if (ws == socket) {
        open = false;
      }
    }
  }
}
