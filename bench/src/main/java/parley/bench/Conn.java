package parley.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;

/**
 * One simulated client: a WebSocket to one server, the rooms it belongs to, its delivery check. Frames are read
 * on the connection's stream (one at a time, in order); sends come from the process's clock thread and only touch
 * the outbound queue and counters. On a reconnect a Parley client resumes like protocol.md says: it names on the
 * handshake, per room, the seq it has everything up to, and the socket sends what it missed and then the live
 * frames. History pages over HTTP fill what a socket was not asked to resume (none here, but the path is kept).
 */
public final class Conn {
  private static final int MAX_FETCH_ATTEMPTS = 20;
  private static final int MAX_RESENDS = 5;

  public record Spec(int id, String user, String token, String url, String http, List<String> rooms, boolean sender) {}

  final Spec spec;
  private final Load load;
  final DeliveryCheck check;

  private volatile Ws.Socket socket;
  private volatile boolean open;
  /** The server closed the current socket during the run (not the bench's drop); this client does not reconnect. */
  private volatile boolean closedByServer;
  private volatile CompletableFuture<Long> hello = new CompletableFuture<>();
  private volatile CompletableFuture<Done> closed = CompletableFuture.completedFuture(Done.getInstance());
  private long connectStarted;
  /** Where this socket's handshake resumed each room (Parley only; empty on the first connection). */
  private volatile Map<String, Long> resumedAfter = Map.of();

  /** Clock thread only. */
  private int nextRoom;
  private long nextMsg;
  private long nextAckId;
  /** With v1.1 awareness traffic ({@code --receipts}): per room, the newest seq held, and the last one told. */
  private final Map<String, AtomicLong> held = new ConcurrentHashMap<>();
  private final Map<String, Long> told = new ConcurrentHashMap<>();
  /** Sends answered {@code unavailable}, by clientMsgId: how often each was sent again (rare; kept for the run). */
  private final Map<String, Integer> resends = new ConcurrentHashMap<>();

  Conn(Spec spec, Load load) {
    this.spec = spec;
    this.load = load;
    this.check = new DeliveryCheck(spec.user() + "#" + spec.id());
  }

  boolean isOpen() {
    return open;
  }

  boolean closedByServer() {
    return closedByServer;
  }

  CompletionStage<Done> closed() {
    return closed;
  }

  /** Opens the socket; completes with the handshake-to-hello time in microseconds once hello arrived. */
  CompletionStage<Long> connect() {
    CompletableFuture<Long> helloNow = new CompletableFuture<>();
    CompletableFuture<Done> closedNow = new CompletableFuture<>();
    hello = helloNow;
    closed = closedNow;
    connectStarted = Micros.now();
    closedByServer = false;
    String url = spec.url();
    Map<String, Long> resume = load.proto == Proto.PARLEY ? check.resumePoints() : Map.of();
    resumedAfter = resume;
    if (!resume.isEmpty()) {
      StringBuilder after = new StringBuilder();
      resume.forEach((room, seq) -> after.append(after.length() == 0 ? "" : ",").append(room).append(':').append(seq));
      url += (url.contains("?") ? "&" : "?") + "after=" + URLEncoder.encode(after.toString(), StandardCharsets.UTF_8);
    }
    socket = load.ws.open(url, load.proto == Proto.PARLEY ? spec.token() : null, new Ws.Listener() {
      @Override
      public void onText(String text) {
        Conn.this.onText(text);
      }

      @Override
      public void onClosed(Throwable failure) {
        open = false;
        if (!helloNow.isDone()) {
          helloNow.completeExceptionally(failure != null ? failure : new IllegalStateException("closed before hello"));
        } else if (!load.dropping) {
          closedByServer = true;
          load.unexpectedCloses.increment();
          load.problem("connection of " + spec.user() + " closed by the server"
              + (failure == null ? "" : ": " + failure.getMessage()));
        }
        closedNow.complete(Done.getInstance());
      }
    });
    Ws.Socket mine = socket;
    return helloNow.orTimeout(60, TimeUnit.SECONDS).whenComplete((micros, failure) -> {
      if (failure != null) {
        mine.abort();
      }
    });
  }

  // ------------------------------------------------------------------------------------------- inbound

  private void onText(String text) {
    if (load.proto != Proto.SOCKETIO) {
      onFrame(Frames.strAt(text, Frames.TYPE, 0), text);
      return;
    }
    SocketIo.Packet packet = SocketIo.decode(text);
    switch (packet.kind()) {
      case PING -> offer(SocketIo.PONG);
      case OPEN -> offer(SocketIo.connect(socketIoAuth()));
      case EVENT -> onFrame(packet.name(), packet.payload());
      case ACK -> onFrame("ack", packet.payload());
      case CONNECT_ERROR -> {
        load.errors.increment();
        load.problem("socket.io connect error: " + packet.payload());
      }
      default -> {
        // CONNECT (the hello event follows), CLOSE and DISCONNECT end in the stream's completion.
      }
    }
  }

  private void onFrame(String type, String frame) {
    if (type == null) {
      return;
    }
    switch (type) {
      case "message" -> onMessage(frame);
      case "ack" -> onAck(frame);
      case "hello" -> onHello(frame);
      case "error" -> onError(frame);
      case "presence" -> load.presenceFrames.increment();
      case "typing" -> load.typingFrames.increment();
      case "receipt" -> {
        load.receiptFrames.increment();
        load.receiptChars.add(frame.length());
      }
      default -> {
        // pong
      }
    }
  }

  /**
   * An {@code unavailable} answer to a send means the room did not answer in time and the message may or may not
   * be stored: the client sends it again with the same clientMsgId, as protocol.md says, after a pause that grows
   * with each attempt, and the room's dedupe must turn that into one entry (the delivery check sees to it). Any
   * other error frame, or a send still unanswered after {@link #MAX_RESENDS} resends, counts as an error.
   */
  private void onError(String frame) {
    String ref = Frames.str(frame, "ref");
    String room = ref == null || load.proto == Proto.SOCKETIO || !"unavailable".equals(Frames.str(frame, "code"))
        ? null : roomOf(ref);
    int attempt = room == null ? MAX_RESENDS + 1 : resends.merge(ref, 1, Integer::sum);
    if (attempt > MAX_RESENDS) {
      load.errors.increment();
      load.problem("error frame: " + frame);
      return;
    }
    load.resent.increment();
    String again = sendFrame(room, ref);
    load.system.scheduler().scheduleOnce(Duration.ofMillis(500L * attempt), () -> offer(again),
        load.system.dispatcher());
  }

  /** The room a clientMsgId of {@link #send} was for: its last part is the room's index in the spec. */
  private String roomOf(String clientMsgId) {
    try {
      int index = Integer.parseInt(clientMsgId.substring(clientMsgId.lastIndexOf('-') + 1));
      return index < spec.rooms().size() ? spec.rooms().get(index) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void onMessage(String frame) {
    long now = Micros.now();
    String room = Frames.strAt(frame, Frames.ROOM, 0);
    long seq = Frames.numAt(frame, Frames.SEQ, 0);
    check.live(room, seq);
    load.deliveries.increment();
    if (load.delivered) {
      held.computeIfAbsent(room, r -> new AtomicLong()).accumulateAndGet(seq, Math::max);
    }
    long scheduled = Frames.scheduledMicrosOf(frame);
    if (scheduled > 0) {
      Load.record(load.deliveryLatency, now - scheduled);
      Load.max(load.lastDelivery, now);
    }
  }

  private void onAck(String frame) {
    long now = Micros.now();
    long scheduled = Frames.scheduledMicrosOf(frame);
    load.acks.increment();
    if (scheduled > 0) {
      Load.record(load.ackLatency, now - scheduled);
    }
    Load.max(load.lastAck, now);
    String room = Frames.strAt(frame, Frames.ROOM, 0);
    long seq = Frames.numAt(frame, Frames.SEQ, 0);
    if (room != null && seq > 0) {
      load.ackedSeq.merge(room, seq, Math::max);
    }
  }

  private void onHello(String frame) {
    List<Frames.RoomSeq> rooms = Frames.helloRooms(frame);
    for (String room : spec.rooms()) {
      Frames.RoomSeq found = rooms.stream().filter(r -> room.equals(r.id())).findFirst().orElse(null);
      if (found == null) {
        check.missingFromHello(room);
      } else if (check.hello(room, found.lastSeq(), resumedAfter.get(room))) {
        fetch(room, 0);
      }
    }
    open = true;
    hello.complete(Micros.now() - connectStarted);
  }

  // ------------------------------------------------------------------------------------------- history

  /** Reads what the client missed in {@code room}, page by page, until it reaches the socket's hello. */
  private void fetch(String room, int attempt) {
    long after = check.fetchAfter(room);
    if (after < 0) {
      return;
    }
    if (attempt >= MAX_FETCH_ATTEMPTS) {
      load.fetchFailures.increment();
      load.problem("room " + room + ": history fetch gave up after " + attempt + " attempts");
      return;
    }
    load.fetches.increment();
    HttpRequest request = HttpRequest.GET(spec.http() + "/api/v1/rooms/" + room + "/messages?after=" + after
        + "&limit=200").addHeader(Authorization.oauth2(spec.token()));
    load.http.singleRequest(request, load.http.defaultClientHttpsContext(), load.poolSettings, load.system.log())
        .thenCompose(this::body)
        .whenComplete((page, failure) -> {
          if (failure != null || page == null) {
            load.fetchFailures.increment();
            load.problem("history fetch failed: " + (failure == null ? "no body" : failure.getMessage()));
            retry(room, attempt + 1);
            return;
          }
          long[] seqs = Frames.pageSeqs(page);
          for (long seq : seqs) {
            check.page(room, seq);
          }
          if (check.fetchAfter(room) >= 0) {
            if (seqs.length == 0) {
              retry(room, attempt + 1);
            } else {
              fetch(room, 0);
            }
          }
        });
  }

  private void retry(String room, int attempt) {
    load.system.scheduler().scheduleOnce(Duration.ofMillis(200), () -> fetch(room, attempt), load.system.dispatcher());
  }

  private CompletionStage<String> body(HttpResponse response) {
    int status = response.status().intValue();
    return response.entity().toStrict(10_000, load.mat).thenApply(strict -> {
      if (status != 200) {
        throw new IllegalStateException("HTTP " + status + ": " + strict.getData().utf8String());
      }
      return strict.getData().utf8String();
    });
  }

  // ------------------------------------------------------------------------------------------- outbound

  /** Sends one message stamped with its scheduled time (clock thread). */
  void send(long scheduledMicros) {
    Ws.Socket out = socket;
    if (!open || out == null) {
      load.notOpen.increment();
      return;
    }
    List<String> rooms = spec.rooms();
    int index = nextRoom;
    nextRoom = (nextRoom + 1) % rooms.size();
    // scheduled time (latency is measured from it), connection, message number, room index (for a resend)
    if (load.typing) {
      // A person types before sending: the client says so (the node hears one a second per room at most).
      out.sendText("{\"type\":\"typing\",\"room\":\"" + rooms.get(index) + "\"}");
    }
    String json = sendFrame(rooms.get(index), scheduledMicros + "-" + spec.id() + "-" + nextMsg++ + "-" + index);
    String frame = load.proto == Proto.SOCKETIO ? SocketIo.event("send", json, nextAckId++) : json;
    if (out.sendText(frame)) {
      load.sent.increment();
    } else {
      load.overflow.increment();
    }
  }

  private String sendFrame(String room, String clientMsgId) {
    return new StringBuilder(96 + load.text.length())
        .append("{\"type\":\"send\",\"room\":\"").append(room)
        .append("\",\"clientMsgId\":\"").append(clientMsgId)
        .append("\",\"text\":\"").append(load.text).append("\"}").toString();
  }

  /** Once a second ({@code --receipts}): a delivered frame for each room with entries held since the last one. */
  void tellDelivered() {
    if (!open) {
      return;
    }
    held.forEach((room, seq) -> {
      long now = seq.get();
      if (now > told.getOrDefault(room, 0L)) {
        told.put(room, now);
        offer("{\"type\":\"delivered\",\"room\":\"" + room + "\",\"seq\":" + now + "}");
      }
    });
  }

  private void offer(String frame) {
    Ws.Socket out = socket;
    if (out != null) {
      out.sendText(frame);
    }
  }

  private String socketIoAuth() {
    StringBuilder sb = new StringBuilder("{\"user\":").append(Frames.quote(spec.user())).append(",\"rooms\":[");
    for (int i = 0; i < spec.rooms().size(); i++) {
      sb.append(i == 0 ? "" : ",").append(Frames.quote(spec.rooms().get(i)));
    }
    return sb.append("]}").toString();
  }
}
