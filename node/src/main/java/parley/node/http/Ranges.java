package parley.node.http;

/**
 * One byte range of a {@code Range} header (RFC 9110): {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}.
 * Several ranges, or a header that is not one of these, are answered with the whole file (as the RFC allows).
 */
final class Ranges {
  private Ranges() {}

  /** {@code {from, to}} (both included), an empty array if no byte of it is in the file, or null: serve it all. */
  static long[] parse(String header, long size) {
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String first = spec.substring(0, dash).trim();
      String last = spec.substring(dash + 1).trim();
      if (!digits(first) || !digits(last)) {
        return null; // not a range at all ("bytes=--5"): ignored, as RFC 9110 asks of an invalid one
      }
      if (first.isEmpty()) {
        if (last.isEmpty()) {
          return null;
        }
        long n = Long.parseLong(last);
        if (n <= 0) {
          return new long[0];
        }
        return new long[] {Math.max(0, size - n), size - 1};
      }
      long from = Long.parseLong(first);
      long to = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
      if (from < 0 || from >= size || to < from) {
        return to < from && from < size ? null : new long[0];
      }
      return new long[] {from, to};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Empty, or only 0-9 (no sign, no space inside). */
  private static boolean digits(String s) {
    return s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
