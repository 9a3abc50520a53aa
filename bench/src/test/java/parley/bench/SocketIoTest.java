package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SocketIoTest {

  @Test
  void engineIoPackets() {
    SocketIo.Packet open = SocketIo.decode("0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000}");
    assertEquals(SocketIo.Kind.OPEN, open.kind());
    assertEquals("{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000}", open.payload());
    assertEquals(SocketIo.Kind.PING, SocketIo.decode("2").kind());
    assertEquals(SocketIo.Kind.PONG, SocketIo.decode("3").kind());
    assertEquals(SocketIo.Kind.CLOSE, SocketIo.decode("1").kind());
    assertEquals("3", SocketIo.PONG);
  }

  @Test
  void connectAndConnectError() {
    SocketIo.Packet connect = SocketIo.decode("40{\"sid\":\"xyz\"}");
    assertEquals(SocketIo.Kind.CONNECT, connect.kind());
    assertEquals("{\"sid\":\"xyz\"}", connect.payload());
    SocketIo.Packet error = SocketIo.decode("44{\"message\":\"Not authorized\"}");
    assertEquals(SocketIo.Kind.CONNECT_ERROR, error.kind());
    assertEquals("{\"message\":\"Not authorized\"}", error.payload());
    assertEquals(SocketIo.Kind.DISCONNECT, SocketIo.decode("41").kind());
  }

  @Test
  void eventsWithAndWithoutAckId() {
    SocketIo.Packet hello = SocketIo.decode("42[\"hello\",{\"type\":\"hello\",\"rooms\":[]}]");
    assertEquals(SocketIo.Kind.EVENT, hello.kind());
    assertEquals("hello", hello.name());
    assertEquals("{\"type\":\"hello\",\"rooms\":[]}", hello.payload());
    assertEquals(-1, hello.ackId());

    SocketIo.Packet send = SocketIo.decode("4217[\"send\",{\"room\":\"r\"}]");
    assertEquals("send", send.name());
    assertEquals(17, send.ackId());
    assertEquals("{\"room\":\"r\"}", send.payload());

    SocketIo.Packet bare = SocketIo.decode("42[\"tick\"]");
    assertEquals("tick", bare.name());
    assertNull(bare.payload());
  }

  @Test
  void ackCarriesItsIdAndFirstArgument() {
    SocketIo.Packet ack = SocketIo.decode("4312[{\"type\":\"ack\",\"seq\":5}]");
    assertEquals(SocketIo.Kind.ACK, ack.kind());
    assertEquals(12, ack.ackId());
    assertEquals("{\"type\":\"ack\",\"seq\":5}", ack.payload());
  }

  @Test
  void namespacePrefixIsSkipped() {
    SocketIo.Packet e = SocketIo.decode("42/chat,3[\"message\",{\"seq\":1}]");
    assertEquals("message", e.name());
    assertEquals(3, e.ackId());
    assertEquals("{\"seq\":1}", e.payload());
  }

  @Test
  void encodes() {
    assertEquals("40{\"user\":\"u1\"}", SocketIo.connect("{\"user\":\"u1\"}"));
    assertEquals("427[\"send\",{\"a\":1}]", SocketIo.event("send", "{\"a\":1}", 7));
    assertEquals("42[\"send\",{\"a\":1}]", SocketIo.event("send", "{\"a\":1}", -1));
    SocketIo.Packet roundTrip = SocketIo.decode(SocketIo.event("send", "{\"a\":[1,2]}", 0));
    assertEquals(0, roundTrip.ackId());
    assertEquals("{\"a\":[1,2]}", roundTrip.payload());
  }
}
