package parley.node.testkit;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One WebSocket frame as a server wrote it, read off a plain socket: what a test needs to see below any client
 * library (pings, a close frame's code, fragments, when a frame came). {@code at}: System.nanoTime() at its first byte.
 */
public record RawFrame(boolean fin, int opcode, byte[] payload, long at) {
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;

  /** The next frame, or null at EOF before its first byte. A server's frames are never masked. */
  public static RawFrame read(DataInputStream in) throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return null;
    }
    long at = System.nanoTime();
    int b1 = in.readUnsignedByte();
    if ((b1 & 0x80) != 0) {
      throw new AssertionError("a server's frames are not masked");
    }
    long len = b1 & 0x7f;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    return new RawFrame((b0 & 0x80) != 0, b0 & 0x0f, payload, at);
  }

  /** A close frame's code: 1005 (none given) if its payload is empty. */
  public int closeCode() {
    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
  }

  public String closeReason() {
    return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
  }

  @Override
  public String toString() {
    return "RawFrame(opcode=" + opcode + ", " + payload.length + " bytes)";
  }
}
