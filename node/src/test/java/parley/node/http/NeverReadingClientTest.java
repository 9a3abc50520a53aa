package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import parley.node.NodeMetrics;
import parley.node.testkit.ApiClient;
import parley.node.testkit.RawFrame;
import parley.node.testkit.RawHttp;
import parley.node.testkit.TestNode;
import parley.node.testkit.WsClient;
import parley.protocol.Json;

/**
 * A client that opens a WebSocket and never reads from it, over a real TCP connection, while a room it is in is busy:
 * the node holds a bounded number of frames for it (its TCP buffers, then {@code parley.session.outbound-buffer}),
 * closes it with 1008, and the client, reading at last, finds every entry up to the close once and in order, then
 * resumes by seq and gets the rest: nothing missed, nothing twice.
 */
class NeverReadingClientTest {
  private static final int BUFFER = 256;
  private static final String TEXT = "x".repeat(3000);

  @Test
  void isClosedWith1008AfterABoundedBacklogAndResumesBySeqWithoutLossOrDuplicate() throws Exception {
    try (TestNode node = TestNode.start(ConfigFactory.parseString("parley.session.outbound-buffer = " + BUFFER))) {
      ApiClient alice = node.client().newUser("alice");
      ApiClient bob = node.client().newUser("bob");
      String room = alice.createRoom("{\"name\":\"busy\"}");
      assertEquals(200, bob.post("/api/v1/rooms/" + room + "/join", "{}").status());
      long joined = alice.get("/api/v1/rooms/" + room).body().get("lastSeq").asLong();

      try (Socket reader = neverReading(node.port, bob.token); WsClient writer = WsClient.connect(node.http(), alice.token)) {
        writer.awaitType("hello");
        int sent = 0;
        while (closedWith1008(node) == 0) {
          assertTrue(sent < 5_000, "the node kept " + sent + " entries of 3 KB for a client that reads nothing");
          // In steps well inside the buffer, each acknowledged before the next: the writer reads as it goes.
          for (int i = 0; i < 20; i++) {
            sent++;
            writer.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"m" + sent + "\",\"text\":\""
                + TEXT + "\"}");
          }
          final int expected = sent;
          writer.awaitCount(f -> "ack".equals(f.path("type").asText()), expected);
        }
        assertEquals(1, closedWith1008(node));
        assertTrue(!writer.closed.isDone(), "the writer, who reads, stays: " + writer.closed);
        // What it is given before the close is what TCP's buffers and the session's held: less than was sent.
        Read backlog = read(reader, Long.MAX_VALUE);
        assertEquals(1008, backlog.closeCode, "closed as too slow: " + backlog.closeReason);
        assertTrue(backlog.seqs.size() < sent, backlog.seqs.size() + " of " + sent);
        assertTrue(!backlog.seqs.isEmpty() && backlog.seqs.get(0) <= joined + 1, "from its join on: " + backlog.seqs);
        long last = backlog.seqs.get(backlog.seqs.size() - 1);
        assertEquals(contiguous(backlog.seqs.get(0), last), backlog.seqs, "in order, no gap, nothing twice");

        // It reconnects after the last seq it holds and gets the rest, each once, in order, on a socket that stays
        // open. Read off the wire too: the JDK's WebSocket client (17.0.15) can lose bytes that arrive right behind
        // the handshake's 101, as this catch-up does, and then fails with "Invalid UTF-8 in frame TEXT" on a stream
        // that a recording proxy in between shows to be valid.
        long lastSeq = alice.get("/api/v1/rooms/" + room).body().get("lastSeq").asLong();
        try (Socket again = open(node.port, bob.token, "?after=" + room + "%3A" + last)) {
          Read resumed = read(again, lastSeq);
          assertEquals(0, resumed.closeCode, "the resumed socket stays open: " + resumed.closeReason);
          assertEquals(contiguous(last + 1, lastSeq), resumed.seqs);
        }
      }
    }
  }

  private static List<Long> contiguous(long from, long to) {
    List<Long> seqs = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      seqs.add(s);
    }
    return seqs;
  }

  private static double closedWith1008(TestNode node) {
    for (String line : NodeMetrics.get(node.system).scrape().split("\n")) {
      if (line.startsWith("parley_websocket_closes_total{") && line.contains("code=\"1008\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  /** A WebSocket over plain TCP with a small receive window, whose owner reads nothing after the handshake. */
  private static Socket neverReading(int port, String token) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    return handshake(s, port, token, "");
  }

  private static Socket open(int port, String token, String query) throws IOException {
    return handshake(new Socket(), port, token, query);
  }

  private static Socket handshake(Socket s, int port, String token, String query) throws IOException {
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.getOutputStream().write(("GET /api/v1/ws" + query + " HTTP/1.1\r\nHost: parley\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\nSec-WebSocket-Version: 13\r\n"
        + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertEquals(101, RawHttp.read(s).status());
    return s;
  }

  /** The seqs of the message frames read, in order, and the close frame's code (0: none) and reason. */
  private record Read(List<Long> seqs, int closeCode, String closeReason) {}

  /** Reads the server's frames (unmasked, maybe fragmented) up to its close frame or the message at {@code untilSeq}. */
  private static Read read(Socket s, long untilSeq) throws IOException {
    s.setSoTimeout(30_000);
    DataInputStream in = new DataInputStream(s.getInputStream());
    List<Long> seqs = new ArrayList<>();
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (true) {
      RawFrame frame = RawFrame.read(in);
      if (frame == null) {
        throw new EOFException("the connection ended before its close frame");
      }
      if (frame.opcode() == RawFrame.CLOSE) {
        return new Read(seqs, frame.closeCode(), frame.closeReason());
      }
      if (frame.opcode() == RawFrame.TEXT || frame.opcode() == RawFrame.CONTINUATION) {
        message.write(frame.payload());
        if (frame.fin()) {
          JsonNode json = Json.mapper().readTree(message.toByteArray());
          message.reset();
          if ("message".equals(json.path("type").asText())) {
            seqs.add(json.get("seq").asLong());
            if (json.get("seq").asLong() == untilSeq) {
              return new Read(seqs, 0, "");
            }
          }
        }
      }
    }
  }
}
