package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NioWsTest {

  @Test
  void acceptKeyIsTheOneFromRfc6455() {
    assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", NioWs.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
  }

  @Test
  void handshakeAnswers() {
    String key = "dGhlIHNhbXBsZSBub25jZQ==";
    assertNull(NioWs.checkHandshake("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", key));
    assertTrue(NioWs.checkHandshake("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", key)
        .contains("401"));
    assertEquals("wrong Sec-WebSocket-Accept",
        NioWs.checkHandshake("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: nope\r\n\r\n", key));
  }

  @Test
  void findsTheEndOfTheHead() {
    byte[] b = "HTTP/1.1 101 OK\r\nA: b\r\n\r\n\u0081\u0002hi".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(25, NioWs.headEnd(b, b.length));
    assertEquals(-1, NioWs.headEnd(b, 20));
  }

  @Test
  void clientFramesAreMaskedWithTheRightLengthEncoding() {
    for (int n : new int[] {0, 5, 125, 126, 65535, 65536}) {
      byte[] payload = new byte[n];
      for (int i = 0; i < n; i++) {
        payload[i] = (byte) ('a' + i % 26);
      }
      ByteBuffer f = NioWs.frame(1, payload, 0x01020304);
      assertEquals(0x81, f.get() & 0xFF, "FIN + text");
      int b1 = f.get() & 0xFF;
      assertEquals(0x80, b1 & 0x80, "masked");
      long length = b1 & 0x7F;
      if (length == 126) {
        length = f.getShort() & 0xFFFF;
      } else if (length == 127) {
        length = f.getLong();
      }
      assertEquals(n, length);
      byte[] mask = new byte[4];
      f.get(mask);
      byte[] unmasked = new byte[n];
      for (int i = 0; i < n; i++) {
        unmasked[i] = (byte) (f.get() ^ mask[i & 3]);
      }
      assertEquals(new String(payload, StandardCharsets.US_ASCII), new String(unmasked, StandardCharsets.US_ASCII));
      assertEquals(0, f.remaining());
    }
  }
}
