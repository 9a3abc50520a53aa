package parley.node.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import parley.node.delivery.ClientSession;
import parley.node.delivery.PreparedText;
import parley.node.delivery.RoomHub;
import parley.node.http.websocket.WebSocketUpgrades;
import parley.node.room.History;
import parley.protocol.Limits;

/**
 * Turns an authenticated upgrade into a WebSocket written by a new {@link ClientSession} (and, through its lanes, the
 * node's hub). Inbound messages are assembled (streamed ones too) with a 64 KiB cap and backpressured into the
 * session; outbound frames go through a bounded queue those two fill, so a slow reader costs at most that queue.
 */
public final class WebSocketEndpoint {
  private static final AtomicLong SESSIONS = new AtomicLong();
  /** This node's open WebSockets: their sessions, and when each socket has ended. */
  private final Map<ActorRef<ClientSession.Command>, CompletionStage<Done>> open =
      new ConcurrentHashMap<>();

  private final ActorSystem<?> system;
  private final ActorRef<RoomHub.Command> hub;
  private final History history;
  private final ClientSession.Settings settings;
  private final int outboundBuffer;
  private final Duration silenceTimeout;

  public WebSocketEndpoint(ActorSystem<?> system, ActorRef<RoomHub.Command> hub, History history) {
    this.system = system;
    this.hub = hub;
    this.history = history;
    var config = system.settings().config();
    this.settings = new ClientSession.Settings(
        config.getDuration("parley.ask-timeout"),
        config.getInt("parley.limits.typing-per-second"),
        config.getInt("parley.limits.receipts.burst"),
        config.getDouble("parley.limits.receipts.per-second"));
    this.outboundBuffer = config.getInt("parley.session.outbound-buffer");
    this.silenceTimeout = config.getDuration("parley.session.silence-timeout");
  }

  /**
   * {@code resumeAfter}: per room the client names, the seq after which this socket starts delivering. {@code slot}:
   * the connection's place at the node (held until the WebSocket ends), or null where none is kept.
   */
  public HttpResponse accept(
      WebSocketUpgrade upgrade, String username, String tokenHash, Map<String, Long> resumeAfter,
      ConnectionGuard.Slot slot) {
    QueueOutbound outbound = new QueueOutbound(outboundBuffer);
    // The queue runs inside the connection's own stream (no extra actor or hand-off per frame); the session gets
    // it when the connection starts. Two writers fill it (the session, and the node's hub through the session's
    // lanes), each of which can pass the size check at the limit's last slot at the same moment: two slots more
    // than the limit, so a close always fits.
    Source<Object, NotUsed> frames = Source.<Object>queue(outboundBuffer + 2)
        .mapMaterializedValue(queue -> {
          outbound.attach(queue);
          return NotUsed.getInstance();
        });
    ActorRef<ClientSession.Command> session = system.systemActorOf(
        // What the session logs names its user (the JSON log format's "user").
        Behaviors.withMdc(ClientSession.Command.class,
            Map.of("user", username),
            ClientSession.create(username, tokenHash, resumeAfter, outbound, hub, history, settings)),
        "session-" + SESSIONS.incrementAndGet(),
        Props.empty());
    Sink<ClientSession.Inbound, NotUsed> toSession = ActorSink.actorRefWithBackpressure(
        session,
        ClientSession.StreamElement::new,
        ClientSession.StreamInit::new,
        ClientSession.StreamAck.INSTANCE,
        ClientSession.StreamDone.INSTANCE,
        ClientSession.StreamFailed::new);
    Sink<Message, NotUsed> inbound = Flow.<Message>create().mapAsync(1, this::assemble).to(toSession);
    // Not coupled: when the session ends (logout, too slow) the inbound side stops at once, but the outbound side
    // must still write what is queued and the close frame with its code.
    if (slot != null) {
      slot.upgraded();
    }
    Flow<Message, Object, NotUsed> socket = Flow.fromSinkAndSource(inbound, frames)
        .watchTermination((mat, done) -> {
          open.put(session, done);
          done.whenComplete((d, e) -> open.remove(session));
          if (slot != null) {
            slot.webSocketStarted();
            done.whenComplete((d, e) -> slot.webSocketEnded());
          }
          return mat;
        });
    return WebSocketUpgrades.handle(upgrade, socket, Limits.FRAME_MAX_BYTES, silenceTimeout);
  }

  /**
   * Closes every WebSocket of this node with {@code code} (1001 when the node stops: clients reconnect to another
   * node at once and resume by seq); completes when they have all ended.
   */
  public CompletionStage<Done> closeAll(int code, String reason) {
    List<CompletableFuture<Done>> ended = new ArrayList<>();
    open.forEach((session, done) -> {
      session.tell(new ClientSession.Close(code, reason));
      ended.add(done.toCompletableFuture().exceptionally(e -> Done.getInstance()));
    });
    return CompletableFuture.allOf(ended.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
  }

  public int openSockets() {
    return open.size();
  }

  /** A whole text message, or TooBig past 64 KiB of UTF-8; binary messages are drained and refused. */
  private CompletionStage<ClientSession.Inbound> assemble(Message message) {
    if (message.isText()) {
      TextMessage text = message.asTextMessage();
      if (text.isStrict()) {
        String s = text.getStrictText();
        return CompletableFuture.completedFuture(
            utf8Length(s) > Limits.FRAME_MAX_BYTES ? new ClientSession.Inbound.TooBig() : new ClientSession.Inbound.Text(s));
      }
      return text.getStreamedText()
          .limitWeighted(Limits.FRAME_MAX_BYTES, s -> (long) utf8Length(s))
          .runFold(new StringBuilder(), StringBuilder::append, system)
          .<ClientSession.Inbound>thenApply(sb -> new ClientSession.Inbound.Text(sb.toString()))
          .exceptionally(e -> new ClientSession.Inbound.TooBig());
    }
    message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), system);
    return CompletableFuture.completedFuture(new ClientSession.Inbound.Binary());
  }

  private static int utf8Length(String s) {
    if (s.length() * 3 <= Limits.FRAME_MAX_BYTES) {
      return s.length();
    }
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * The session's view of the bounded outbound queue. The session may write (hello) before the connection's stream
   * has started; such frames wait here and go first once the queue is attached.
   */
  private static final class QueueOutbound implements ClientSession.Outbound {
    private final int limit;
    private volatile BoundedSourceQueue<Object> queue;
    /** Guarded by {@code this}; null once attached. */
    private List<Object> early = new ArrayList<>();
    private boolean completeOnAttach;

    QueueOutbound(int limit) {
      this.limit = limit;
    }

    void attach(BoundedSourceQueue<Object> attached) {
      synchronized (this) {
        early.forEach(attached::offer);
        early = null;
        queue = attached;
        if (completeOnAttach) {
          attached.complete();
        }
      }
    }

    @Override
    public boolean offer(List<PreparedText> frames) {
      return frames.size() == 1 ? offer(frames.get(0)) : offerElement(new WebSocketUpgrades.PreparedBatch(frames));
    }

    @Override
    public boolean offer(PreparedText frame) {
      return offerElement(frame);
    }

    private boolean offerElement(Object frame) {
      BoundedSourceQueue<Object> q = queue;
      if (q == null) {
        synchronized (this) {
          if (queue == null) {
            if (early.size() >= limit) {
              return false;
            }
            early.add(frame);
            return true;
          }
          q = queue;
        }
      }
      return q.size() < limit && q.offer(frame) == QueueOfferResult.enqueued();
    }

    @Override
    public int capacity() {
      return limit;
    }

    @Override
    public int free() {
      BoundedSourceQueue<Object> q = queue;
      if (q == null) {
        synchronized (this) {
          if (queue == null) {
            return limit - early.size();
          }
          q = queue;
        }
      }
      return limit - q.size();
    }

    @Override
    public void close(int code, String reason) {
      WebSocketUpgrades.Close close = new WebSocketUpgrades.Close(code, reason);
      BoundedSourceQueue<Object> q = queue;
      if (q == null) {
        synchronized (this) {
          if (queue == null) {
            early.add(close);
            completeOnAttach = true;
            return;
          }
          q = queue;
        }
      }
      q.offer(close);
      try {
        q.complete();
      } catch (IllegalStateException alreadyCompleted) {
        // The peer went first (the common case when a client drops): nothing is left to close. Letting this
        // escape made every such session stop with an error and a stack trace in the log, 19,000 of them when
        // every client dropped at once.
      }
    }
  }
}
