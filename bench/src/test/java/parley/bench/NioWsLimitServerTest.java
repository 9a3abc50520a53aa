package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The generator's WebSocket client against the limit baseline, over real sockets. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NioWsLimitServerTest {
  private ActorSystem system;
  private int port;
  private NioWs ws;

  @BeforeAll
  void start() throws Exception {
    system = ActorSystem.create("limit-test", ConfigFactory.load("limit"));
    port = LimitServer.start(system, "127.0.0.1", 0).toCompletableFuture().get(30, TimeUnit.SECONDS)
        .localAddress().getPort();
    ws = new NioWs(new InetSocketAddress("127.0.0.1", 0), 64);
  }

  @AfterAll
  void stop() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private String url(String user, String rooms) {
    return "ws://127.0.0.1:" + port + "/ws?user=" + user + "&rooms=" + rooms;
  }

  @Test
  void helloMessagesAndAcksInSeqOrder() throws Exception {
    Inbox alice = new Inbox();
    Inbox bob = new Inbox();
    Ws.Socket a = ws.open(url("alice", "t1"), null, alice);
    ws.open(url("bob", "t1"), null, bob);
    assertEquals(List.of(new Frames.RoomSeq("t1", 0)), Frames.helloRooms(alice.next()));
    assertEquals(List.of(new Frames.RoomSeq("t1", 0)), Frames.helloRooms(bob.next()));

    String big = "y".repeat(70_000); // a 64-bit length frame each way
    assertTrue(a.sendText("{\"type\":\"send\",\"room\":\"t1\",\"clientMsgId\":\"1-0-0\",\"text\":\"hi\"}"));
    assertTrue(a.sendText("{\"type\":\"send\",\"room\":\"t1\",\"clientMsgId\":\"2-0-1\",\"text\":\"" + big + "\"}"));

    for (Inbox inbox : List.of(alice, bob)) {
      DeliveryCheck check = new DeliveryCheck("test");
      check.hello("t1", 0);
      int messages = 0;
      while (messages < 2) {
        String f = inbox.next();
        if ("message".equals(Frames.str(f, "type"))) {
          check.live(Frames.str(f, "room"), Frames.num(f, "seq"));
          messages++;
        }
      }
      assertEquals(2, check.delivered("t1"));
      assertEquals(0, check.violations());
    }
  }

  @Test
  void abortEndsTheSocket() throws Exception {
    Inbox carol = new Inbox();
    Ws.Socket c = ws.open(url("carol", "t2"), null, carol);
    carol.next();
    c.abort();
    assertTrue(carol.closed.get(10, TimeUnit.SECONDS).getMessage().contains("dropped"));
  }

  @Test
  void aRefusedHandshakeIsReported() throws Exception {
    Inbox dave = new Inbox();
    ws.open("ws://127.0.0.1:" + port + "/nowhere", null, dave);
    assertTrue(dave.closed.get(10, TimeUnit.SECONDS).getMessage().contains("404"));
  }
}
