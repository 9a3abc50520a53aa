package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The limit baseline as a three-node cluster, over real sockets: whichever node a member is on and whichever node
 * keeps the room, every member sees every seq once and in order, and each sender gets its ack.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitClusterTest {
  private static final int NODES = 3;
  private final List<ActorSystem> systems = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private NioWs ws;

  @BeforeAll
  void start() throws Exception {
    int relayPort = freeRun(NODES);
    List<CompletableFuture<Integer>> bound = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      ActorSystem system = ActorSystem.create("limit-" + i, ConfigFactory.load("limit"));
      systems.add(system);
      bound.add(LimitServer.start(system, "127.0.0.1", 0, i, NODES, relayPort).toCompletableFuture()
          .thenApply(b -> b.localAddress().getPort()));
    }
    for (CompletableFuture<Integer> b : bound) {
      ports.add(b.get(60, TimeUnit.SECONDS));
    }
    ws = new NioWs(new InetSocketAddress("127.0.0.1", 0), 64);
  }

  @AfterAll
  void stop() throws Exception {
    for (ActorSystem system : systems) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The first of {@code n} consecutive ports that are free now, below the kernel's ephemeral range: the relays bind
   * them a moment later, and a port in that range may meanwhile be handed to any outgoing connection.
   */
  private static int freeRun(int n) throws Exception {
    int ephemeralLow = 32768;
    try {
      ephemeralLow = Integer.parseInt(
          Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      // not Linux: the usual default
    }
    int low = Math.max(1024, Math.min(20000, ephemeralLow - 10000));
    Random random = new Random();
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = low + random.nextInt(Math.max(1, ephemeralLow - low - n));
      boolean free = true;
      for (int i = 0; i < n && free; i++) {
        try (ServerSocket s = new ServerSocket()) {
          s.setReuseAddress(false);
          s.bind(new InetSocketAddress("127.0.0.1", base + i));
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no " + n + " consecutive free ports below " + ephemeralLow);
  }

  @Test
  void membersOnEveryNodeSeeEverySeqOnceInOrderAndSendersGetTheirAcks() throws Exception {
    List<String> rooms = List.of("r1", "r2", "r3", "r4", "r5", "r6");
    // Rooms kept by each of the three nodes among them, so that sends cross in every direction.
    assertEquals(NODES, rooms.stream().map(r -> LimitRelay.ownerOf(r, NODES)).distinct().count());
    List<Inbox> inboxes = new ArrayList<>();
    List<Ws.Socket> sockets = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      Inbox inbox = new Inbox();
      sockets.add(ws.open("ws://127.0.0.1:" + ports.get(i) + "/ws?user=u" + i + "&rooms=" + String.join(",", rooms),
          null, inbox));
      assertEquals(6, Frames.helloRooms(inbox.next()).size());
      inboxes.add(inbox);
    }
    int perSender = 20;
    for (int n = 0; n < perSender; n++) {
      for (int i = 0; i < NODES; i++) {
        String room = rooms.get((n + i) % rooms.size());
        assertTrue(sockets.get(i).sendText("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"" + i + "-"
            + n + "\",\"text\":\"hello " + n + "\"}"));
      }
    }
    int total = perSender * NODES;
    for (int i = 0; i < NODES; i++) {
      DeliveryCheck check = new DeliveryCheck("u" + i);
      rooms.forEach(r -> check.hello(r, 0));
      int messages = 0;
      List<String> acked = new ArrayList<>();
      while (messages < total || acked.size() < perSender) {
        String f = inboxes.get(i).next();
        switch (Frames.str(f, "type")) {
          case "message" -> {
            check.live(Frames.str(f, "room"), Frames.num(f, "seq"));
            messages++;
          }
          case "ack" -> acked.add(Frames.str(f, "clientMsgId"));
          default -> throw new AssertionError("unexpected frame " + f);
        }
      }
      assertEquals(0, check.violations(), "u" + i + " saw a gap or a repeat");
      assertEquals(total, rooms.stream().mapToLong(check::delivered).sum());
      String mine = i + "-";
      assertEquals(perSender, acked.stream().filter(id -> id.startsWith(mine)).count());
    }
  }
}
