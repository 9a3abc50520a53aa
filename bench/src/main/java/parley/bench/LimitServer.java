package parley.bench;

import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The limit baseline: the least a WebSocket chat broadcast can do on this JVM stack. Pekko HTTP, no actors of its
 * own, no storage, no authentication: {@code GET /ws?user=u&rooms=a,b} joins the rooms (made on first use),
 * answers {@code hello} with each room's last seq, and for each {@code send} frame gives the room's next seq,
 * writes the same {@code message} frame Parley writes to every member's socket (the sender's included) and an
 * {@code ack} to the sender. Each socket has a bounded outbound queue; a client that lets it fill is cut off, as
 * Parley does. What Parley adds on top (durable storage, dedupe, sharding, presence, resuming) is what the
 * distance between the two measures.
 *
 * <p>As a cluster ({@code LimitServer port node nodes}), each node serves its own sockets and keeps the seq of the
 * rooms {@link LimitRelay#ownerOf} gives it, as a Parley room lives on one node. A send for a room kept elsewhere
 * goes to its node over {@link LimitRelay}; that node numbers it, writes it to its own members, passes the frame to
 * every other node for theirs, and sends the ack back to the node of the sender.
 */
public final class LimitServer {
  private static final int OUTBOUND = 4096;

  /** The relay's ports: {@code RELAY_PORT + node}. */
  static final int RELAY_PORT = 19190;

  private final Map<String, Room> rooms = new ConcurrentHashMap<>();
  private final Map<Long, Client> clients = new ConcurrentHashMap<>();
  private final AtomicLong nextClientId = new AtomicLong();
  private final Materializer mat;
  private final int node;
  private final int nodes;
  private volatile LimitRelay relay;

  private LimitServer(Materializer mat, int node, int nodes) {
    this.mat = mat;
    this.node = node;
    this.nodes = nodes;
  }

  /**
   * A room: its seq and this node's members' sockets, guarded by the room itself. On the room's own node the seq is
   * the room's; on the others, the last one relayed.
   */
  private static final class Room {
    final String id;
    long seq;
    final List<Client> members = new ArrayList<>();

    Room(String id) {
      this.id = id;
    }
  }

  /** One socket. Frames offered before its hello went out wait, so the hello comes first. */
  private static final class Client {
    final long id;
    final String user;
    final BoundedSourceQueue<Message> out;
    final Map<String, Room> rooms = new HashMap<>();
    private List<String> early = new ArrayList<>();
    private boolean closed;

    Client(long id, String user, BoundedSourceQueue<Message> out) {
      this.id = id;
      this.user = user;
      this.out = out;
    }

    synchronized void offer(String frame) {
      if (early != null) {
        early.add(frame);
      } else {
        push(frame);
      }
    }

    synchronized void ready(String hello) {
      push(hello);
      for (String frame : early) {
        push(frame);
      }
      early = null;
    }

    private void push(String frame) {
      if (closed) {
        return;
      }
      if (out.offer(TextMessage.create(frame)) != QueueOfferResult.enqueued()) {
        closed = true; // too slow: cut off, like Parley's 1008
        out.complete();
      }
    }
  }

  /** {@code LimitServer [port [node nodes]]}: one server, or node {@code node} (from 0) of a cluster of {@code nodes}. */
  public static void main(String[] args) {
    Procs.useCommonPool();
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 19090;
    int node = args.length > 2 ? Integer.parseInt(args[1]) : 0;
    int nodes = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    ActorSystem system = ActorSystem.create("limit", ConfigFactory.load("limit"));
    start(system, "127.0.0.1", port, node, nodes, RELAY_PORT).whenComplete((binding, failure) -> {
      if (failure != null) {
        System.err.println("limit server: cannot serve on port " + port + ": " + failure.getMessage());
        system.terminate();
      } else {
        System.out.println("limit server listening on " + binding.localAddress());
      }
    });
  }

  /** Binds the server; port 0 takes any free port. */
  static CompletionStage<ServerBinding> start(ActorSystem system, String host, int port) {
    return start(system, host, port, 0, 1, RELAY_PORT);
  }

  /**
   * Binds node {@code node} of {@code nodes}: with more than one, once it has connected to the other nodes' relays
   * (their ports {@code relayPort} + node), so that a node serves only when it can reach every room.
   */
  static CompletionStage<ServerBinding> start(
      ActorSystem system, String host, int port, int node, int nodes, int relayPort) {
    Materializer mat = Materializer.createMaterializer(system);
    LimitServer server = new LimitServer(mat, node, nodes);
    CompletionStage<LimitRelay> relay = nodes == 1
        ? CompletableFuture.completedFuture(null)
        : LimitRelay.start(node, nodes, relayPort, server::onRelayed, system.dispatcher());
    return relay.thenCompose(r -> {
      server.relay = r;
      return Http.get(system).newServerAt(host, port).withMaterializer(mat).bindSync(server::handle);
    });
  }

  private HttpResponse handle(HttpRequest request) {
    String path = request.getUri().path();
    if (path.equals("/alive")) {
      return HttpResponse.create().withEntity("{\"alive\":true}");
    }
    var upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
    if (!path.equals("/ws") || upgrade.isEmpty()) {
      return HttpResponse.create().withStatus(StatusCodes.NOT_FOUND);
    }
    var query = request.getUri().query();
    String user = query.get("user").orElse("anonymous");
    List<String> roomIds = Arrays.stream(query.get("rooms").orElse("").split(","))
        .filter(s -> !s.isEmpty()).toList();
    return accept(upgrade.get(), user, roomIds);
  }

  private HttpResponse accept(WebSocketUpgrade upgrade, String user, List<String> roomIds) {
    Pair<BoundedSourceQueue<Message>, Source<Message, NotUsed>> queue =
        Source.<Message>queue(OUTBOUND + 1).preMaterialize(mat);
    Client client = new Client(nextClientId.incrementAndGet(), user, queue.first());
    clients.put(client.id, client);
    StringBuilder hello = new StringBuilder("{\"type\":\"hello\",\"username\":").append(Frames.quote(user))
        .append(",\"rooms\":[");
    for (String id : roomIds) {
      Room room = rooms.computeIfAbsent(id, Room::new);
      long lastSeq;
      synchronized (room) {
        room.members.add(client);
        lastSeq = room.seq;
      }
      client.rooms.put(id, room);
      hello.append(hello.charAt(hello.length() - 1) == '[' ? "" : ",")
          .append("{\"id\":").append(Frames.quote(id)).append(",\"name\":").append(Frames.quote(id))
          .append(",\"kind\":\"room\",\"lastSeq\":").append(lastSeq)
          .append(",\"readSeq\":").append(lastSeq).append(",\"unread\":0}");
    }
    client.ready(hello.append("]}").toString());
    Sink<Message, NotUsed> inbound = Flow.<Message>create()
        .mapAsync(1, this::strict)
        .to(Sink.<String>foreach(text -> onFrame(client, text))
            .mapMaterializedValue(done -> {
              done.whenComplete((d, e) -> leave(client));
              return NotUsed.getInstance();
            }));
    return upgrade.handleMessagesWith(inbound, queue.second());
  }

  private void leave(Client client) {
    clients.remove(client.id);
    for (Room room : client.rooms.values()) {
      synchronized (room) {
        room.members.remove(client);
      }
    }
    client.out.complete();
  }

  private void onFrame(Client client, String frame) {
    String type = Frames.str(frame, "type");
    if ("ping".equals(type)) {
      client.offer("{\"type\":\"pong\"}");
      return;
    }
    if (!"send".equals(type)) {
      client.offer("{\"type\":\"error\",\"code\":\"unknown_type\",\"message\":\"unknown type\",\"ref\":null}");
      return;
    }
    String roomId = Frames.str(frame, "room");
    String clientMsgId = Frames.str(frame, "clientMsgId");
    String text = Frames.str(frame, "text");
    Room room = roomId == null ? null : client.rooms.get(roomId);
    if (room == null || clientMsgId == null || text == null) {
      client.offer("{\"type\":\"error\",\"code\":\"not_a_member\",\"message\":\"not a member\",\"ref\":"
          + (clientMsgId == null ? "null" : Frames.quote(clientMsgId)) + "}");
      return;
    }
    int owner = nodes == 1 ? node : LimitRelay.ownerOf(roomId, nodes);
    if (owner == node) {
      client.offer(post(room, client.user, clientMsgId, text));
    } else {
      relay.send(owner, "S\t" + node + "\t" + client.id + "\t" + roomId + "\t" + client.user + "\t" + clientMsgId
          + "\t" + text);
    }
  }

  /**
   * On the room's own node: numbers a send, writes it to this node's members and passes it to the other nodes', all
   * under the room's lock so that every node gets the room's frames in seq order. Returns the sender's ack.
   */
  private String post(Room room, String sender, String clientMsgId, String text) {
    String sentAt = Instant.ofEpochMilli(System.currentTimeMillis()).toString();
    long seq;
    synchronized (room) {
      seq = ++room.seq;
      String message = "{\"type\":\"message\",\"room\":\"" + room.id + "\",\"seq\":" + seq
          + ",\"kind\":\"message\",\"sender\":" + Frames.quote(sender) + ",\"text\":\"" + text
          + "\",\"sentAt\":\"" + sentAt + "\",\"clientMsgId\":\"" + clientMsgId + "\"}";
      for (Client member : room.members) {
        member.offer(message);
      }
      if (relay != null) {
        relay.broadcast("M\t" + room.id + "\t" + seq + "\t" + message);
      }
    }
    return "{\"type\":\"ack\",\"clientMsgId\":\"" + clientMsgId + "\",\"room\":\"" + room.id + "\",\"seq\":"
        + seq + ",\"sentAt\":\"" + sentAt + "\"}";
  }

  /**
   * A line from another node: {@code S} a send for a room kept here (from node, client id, room, sender,
   * clientMsgId, text), {@code M} a room's frame for this node's members (room, seq, frame), {@code A} an ack for a
   * client of this node (client id, frame).
   */
  private void onRelayed(String line) {
    String[] f = line.split("\t", 7);
    switch (f[0]) {
      case "S" -> {
        Room room = rooms.computeIfAbsent(f[3], Room::new);
        relay.send(Integer.parseInt(f[1]), "A\t" + f[2] + "\t" + post(room, f[4], f[5], f[6]));
      }
      case "M" -> {
        Room room = rooms.computeIfAbsent(f[1], Room::new);
        long seq = Long.parseLong(f[2]);
        synchronized (room) {
          room.seq = seq;
          for (Client member : room.members) {
            member.offer(f[3]);
          }
        }
      }
      case "A" -> answer(Long.parseLong(f[1]), f[2]);
      default -> System.err.println("limit relay: unknown line " + f[0]);
    }
  }

  /** An ack for one of this node's clients, unless it has gone. */
  private void answer(long clientId, String ack) {
    Client client = clients.get(clientId);
    if (client != null) {
      client.offer(ack);
    }
  }

  private CompletionStage<String> strict(Message message) {
    if (message.isText()) {
      TextMessage text = message.asTextMessage();
      return text.isStrict()
          ? CompletableFuture.completedFuture(text.getStrictText())
          : text.getStreamedText().runFold(new StringBuilder(), StringBuilder::append, mat)
              .thenApply(StringBuilder::toString);
    }
    message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), mat);
    return CompletableFuture.completedFuture("");
  }
}
