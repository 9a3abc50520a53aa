package parley.client.net;

import java.nio.charset.StandardCharsets;

/** Percent-encodes one URL path segment (RFC 3986): unreserved characters, ':' and '@' stay as they are. */
final class PathSegment {
  private static final String HEX = "0123456789ABCDEF";

  private PathSegment() {}

  static String encode(String segment) {
    StringBuilder out = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~:@".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(HEX.charAt((b >> 4) & 0xf)).append(HEX.charAt(b & 0xf));
      }
    }
    return out.toString();
  }
}
