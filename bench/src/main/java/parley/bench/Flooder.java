package parley.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The abuse scenario's one bad user: a WebSocket that sends into a room of its own as fast as the socket takes frames
 * (each send waits only for the previous one to be written), never honouring {@code retryAfterMs}. Counts what it
 * pushed, what was stored (acks) and what was refused ({@code rate_limited}).
 */
final class Flooder implements AutoCloseable {
  private final WebSocket socket;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong otherErrors = new AtomicLong();
  private final Thread pusher;
  private final long started = System.nanoTime();
  private volatile Tally tally;

  private Flooder(WebSocket socket, String room) {
    this.socket = socket;
    this.pusher = new Thread(() -> push(room), "flooder");
    pusher.setDaemon(true);
  }

  /** Signs the flooder up on {@code http} (the node's base URL), gives it a room, and starts the flood. */
  static Flooder start(Api api, String http, String ws) throws Exception {
    String credentials = "{\"username\":\"flooder" + System.nanoTime() % 1_000_000 + "\",\"password\":\""
        + ParleyTarget.PASSWORD + "\"}";
    Api.expect(api.callNow("POST", http + "/api/v1/auth/signup", null, credentials), 201, "flooder signup");
    String token = Frames.str(Api.expect(api.callNow("POST", http + "/api/v1/auth/login", null, credentials), 200,
        "flooder login").body(), "token");
    String room = Frames.str(Api.expect(api.callNow("POST", http + "/api/v1/rooms", token, "{\"name\":\"flood\"}"), 201,
        "flooder room").body(), "id");
    Flooder[] self = new Flooder[1];
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create(ws), new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              String frame = partial.toString();
              partial.setLength(0);
              Flooder f = self[0];
              if (f != null) {
                if (frame.contains("\"type\":\"ack\"")) {
                  f.acks.incrementAndGet();
                } else if (frame.contains("\"rate_limited\"")) {
                  f.refused.incrementAndGet();
                } else if (frame.contains("\"type\":\"error\"")) {
                  f.otherErrors.incrementAndGet();
                }
              }
            }
            s.request(1);
            return null;
          }
        }).get(30, TimeUnit.SECONDS);
    Flooder flooder = new Flooder(socket, room);
    self[0] = flooder;
    flooder.pusher.start();
    return flooder;
  }

  private void push(String room) {
    long i = 0;
    while (running.get()) {
      String frame = "{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"flood-" + i++
          + "\",\"text\":\"flood flood flood\"}";
      try {
        socket.sendText(frame, true).get(30, TimeUnit.SECONDS);
        sent.incrementAndGet();
      } catch (Exception e) {
        break;
      }
    }
  }

  /** What it had done when it stopped: frames pushed, stored and refused, and the seconds it ran. */
  record Tally(long pushed, long stored, long refused, long otherErrors, double seconds) {
    double framesPerSecond() {
      return pushed / seconds;
    }
  }

  /** Stops the flood and drops the socket; counted as of the stop, not what trickles in after. */
  @Override
  public void close() {
    running.set(false);
    tally = new Tally(sent.get(), acks.get(), refused.get(), otherErrors.get(), (System.nanoTime() - started) / 1e9);
    socket.abort();
    try {
      pusher.join(TimeUnit.SECONDS.toMillis(35));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Tally tally() {
    return tally;
  }
}
