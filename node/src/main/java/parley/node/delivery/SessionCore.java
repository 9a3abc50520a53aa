package parley.node.delivery;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import parley.node.NodeMetrics;
import parley.node.room.ChatRoom;
import parley.node.room.History;
import parley.node.user.UserAccount;
import parley.protocol.ServerFrame;

/**
 * What every part of one session shares: who it is, the rooms it follows, and the socket it writes. Writing is here
 * because every part writes, and because the socket closes in one place: a client too far behind (1008), a close the
 * session decides, or the session's end.
 */
final class SessionCore {
  final ActorContext<ClientSession.Command> context;
  final TimerScheduler<ClientSession.Command> timers;
  final String username;
  final String tokenHash;
  /** For each room the client named on the handshake, the seq it has seen up to. */
  final Map<String, Long> resumeAfter;
  final ClientSession.Outbound outbound;
  final ActorRef<RoomHub.Command> hub;
  final History history;
  final ClientSession.Settings settings;
  final ClusterSharding sharding;
  final NodeMetrics metrics;
  /** The rooms followed, each with its cursor. */
  final Map<String, Cursor> rooms = new HashMap<>();
  /**
   * Rooms hello listed unavailable, and the seq their frames start after: the handshake's {@code after}, else the
   * read marker hello gave. Followed from there once the room answers.
   */
  final Map<String, Long> startAfter = new HashMap<>();
  /** Whom the user blocks: their messages count in none of the summaries this session asks for. */
  private Set<String> blocks = Set.of();
  private boolean closed;

  Set<String> blocks() {
    return blocks;
  }

  void blocks(Set<String> all) {
    blocks = Set.copyOf(all);
  }

  void blockChanged(String user, boolean on) {
    Set<String> next = new HashSet<>(blocks);
    if (on) {
      next.add(user);
    } else {
      next.remove(user);
    }
    blocks = Set.copyOf(next);
  }

  SessionCore(
      ActorContext<ClientSession.Command> context,
      TimerScheduler<ClientSession.Command> timers,
      String username,
      String tokenHash,
      Map<String, Long> resumeAfter,
      ClientSession.Outbound outbound,
      ActorRef<RoomHub.Command> hub,
      History history,
      ClientSession.Settings settings) {
    this.context = context;
    this.timers = timers;
    this.username = username;
    this.tokenHash = tokenHash;
    this.resumeAfter = resumeAfter;
    this.outbound = outbound;
    this.hub = hub;
    this.history = history;
    this.settings = settings;
    this.sharding = ClusterSharding.get(context.getSystem());
    this.metrics = NodeMetrics.get(context.getSystem());
  }

  ActorRef<ClientSession.Command> self() {
    return context.getSelf();
  }

  EntityRef<UserAccount.Command> user() {
    return sharding.entityRefFor(UserAccount.ENTITY_KEY, username);
  }

  EntityRef<ChatRoom.Command> room(String roomId) {
    return sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId);
  }

  /** However the session ends, the socket ends with it (a no-op if it is already closing). */
  Behavior<ClientSession.Command> onStopped() {
    if (!closed) {
      closed = true;
      // Mostly the client's close or a dropped connection (the stream ended, and with it the session).
      metrics.webSocketClosed("peer");
      outbound.close(1011, "session ended; reconnect and resume by seq");
    }
    // Last, so a scrape that sees the session gone also sees how it closed.
    metrics.sessionClosed(username);
    return Behaviors.same();
  }

  Behavior<ClientSession.Command> closeWith(int code, String reason) {
    if (!closed) {
      closed = true;
      metrics.webSocketClosed(Integer.toString(code));
      outbound.close(code, reason);
    }
    return Behaviors.stopped();
  }

  Behavior<ClientSession.Command> error(String code, String message, String ref) {
    return write(new ServerFrame.Error(code, message, ref)) ? Behaviors.same() : Behaviors.stopped();
  }

  boolean write(ServerFrame frame) {
    return send(Frames.render(frame));
  }

  /** False (and the socket closed with 1008) when the client is too far behind. */
  boolean send(PreparedText frame) {
    if (closed) {
      return false;
    }
    if (!outbound.offer(frame)) {
      closed = true;
      metrics.webSocketClosed("1008");
      outbound.close(1008, "too slow: reconnect and resume by seq");
      return false;
    }
    return true;
  }

  /** Goes on while the socket is open: what a handler that wrote answers. */
  static Behavior<ClientSession.Command> sameIf(boolean open) {
    return open ? Behaviors.same() : Behaviors.stopped();
  }
}
