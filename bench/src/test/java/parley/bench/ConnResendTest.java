package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The generator's client when a send is answered with an error, over a real socket: an overloaded Parley room
 * answers {@code unavailable}, and the client sends the same clientMsgId again, as protocol.md tells clients to;
 * any other error is one. The server here answers each clientMsgId's first send with {@link #firstAnswer}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnResendTest {
  private ActorSystem system;
  private int port;
  private volatile String firstAnswer;
  private final Map<String, Integer> sendsById = new ConcurrentHashMap<>();
  private final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws Exception {
    system = ActorSystem.create("resend-test", ConfigFactory.parseString("pekko.loglevel = WARNING"));
    port = Http.get(system).newServerAt("127.0.0.1", 0).bindSync(request -> {
      WebSocketUpgrade upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade).orElse(null);
      if (upgrade == null) {
        return HttpResponse.create().withStatus(StatusCodes.BAD_REQUEST);
      }
      Flow<Message, Message, ?> flow = Flow.<Message>create()
          .map(m -> m.asTextMessage().getStrictText())
          .mapConcat(this::answer)
          .map(text -> (Message) TextMessage.create(text))
          .prepend(Source.single(TextMessage.create(
              "{\"type\":\"hello\",\"username\":\"u\",\"rooms\":[{\"id\":\"r0\",\"lastSeq\":0},"
                  + "{\"id\":\"r1\",\"lastSeq\":0}]}")));
      return upgrade.handleMessagesWith(flow);
    }).toCompletableFuture().get(30, TimeUnit.SECONDS).localAddress().getPort();
  }

  @AfterAll
  void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    sendsById.clear();
    received.clear();
  }

  /** A room that stores each clientMsgId once: an error for its first send if told so, then ack and message. */
  private List<String> answer(String frame) {
    received.add(frame);
    String id = Frames.str(frame, "clientMsgId");
    String room = Frames.str(frame, "room");
    int n = sendsById.merge(id, 1, Integer::sum);
    List<String> out = new ArrayList<>();
    if (n == 1 && firstAnswer != null) {
      out.add("{\"type\":\"error\",\"code\":\"" + firstAnswer + "\",\"message\":\"...\",\"ref\":\"" + id + "\"}");
    } else if (n == 1 || firstAnswer != null && n == 2) {
      out.add("{\"type\":\"ack\",\"room\":\"" + room + "\",\"seq\":1,\"clientMsgId\":\"" + id + "\"}");
      out.add("{\"type\":\"message\",\"room\":\"" + room + "\",\"seq\":1,\"clientMsgId\":\"" + id + "\"}");
    }
    return out;
  }

  private Conn connected(Load load) throws Exception {
    Conn conn = new Conn(new Conn.Spec(7, "u", "token", "ws://127.0.0.1:" + port + "/ws", "http://127.0.0.1:" + port,
        List.of("r0", "r1"), true), load);
    conn.connect().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return conn;
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  @Test
  void aSendAnsweredUnavailableIsSentAgainWithTheSameClientMsgIdIntoTheSameRoom() throws Exception {
    firstAnswer = "unavailable";
    Load load = new Load(system, Proto.PARLEY, "hi", 64, "127.0.0.1", "nio", false, false);
    Conn conn = connected(load);
    conn.send(Micros.now()); // to r0
    conn.send(Micros.now()); // to r1
    await(() -> load.acks.sum() == 2, "both acknowledged");
    await(() -> load.deliveries.sum() == 2, "both delivered");

    assertEquals(2, load.resent.sum());
    assertEquals(0, load.errors.sum(), String.valueOf(load.problems.keySet()));
    // Each send arrived twice, the same frame again (room and clientMsgId included); the two resends go in
    // whichever order their pauses end.
    assertEquals(4, received.size(), "each send twice: " + received);
    for (String first : received.subList(0, 2)) {
      assertEquals(2, received.stream().filter(first::equals).count(), first + " in " + received);
    }
    assertEquals(List.of("r0", "r1"), received.subList(0, 2).stream().map(f -> Frames.str(f, "room")).toList());
    assertEquals(0, conn.check.violations());
  }

  @Test
  void anyOtherErrorIsAnErrorAndNotSentAgain() throws Exception {
    firstAnswer = "not_a_member";
    Load load = new Load(system, Proto.PARLEY, "hi", 64, "127.0.0.1", "nio", false, false);
    Conn conn = connected(load);
    conn.send(Micros.now());
    await(() -> load.errors.sum() == 1, "the error counted");

    // The client decides when the error arrives: counted as an error, or as a resend (then sent later).
    assertEquals(0, load.resent.sum());
    assertTrue(load.problems.keySet().iterator().next().contains("not_a_member"), load.problems.toString());
    assertEquals(0, load.acks.sum());
  }
}
