package parley.node.delivery;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;
import org.apache.pekko.util.ByteString;

/**
 * A text frame's payload encoded once, so that sending it to many connections costs each of them no encoding (a
 * room's entry goes to every member's socket on the node). Delivery owns it and knows nothing of the socket: the edge
 * turns the bytes into its own wire form once, through {@link #wire}, and every later connection reuses that.
 */
public final class PreparedText {
  private final String text;
  private final ByteString utf8;
  /** The edge's wire form of {@link #utf8}; made by whichever connection sends first, the same on every thread. */
  private volatile Object wire;

  private PreparedText(String text) {
    this.text = text;
    this.utf8 = ByteString.fromString(text, StandardCharsets.UTF_8);
  }

  public static PreparedText of(String text) {
    return new PreparedText(Objects.requireNonNull(text, "text"));
  }

  public String text() {
    return text;
  }

  public ByteString utf8() {
    return utf8;
  }

  /**
   * This text in the edge's wire form: {@code render} of its bytes, made on first use and kept. A race renders it
   * twice, to equal values; the edge has one renderer, so the kept form is always of {@code type}.
   */
  public <T> T wire(Class<T> type, Function<ByteString, T> render) {
    Object w = wire;
    if (w == null) {
      w = render.apply(utf8);
      wire = w;
    }
    return type.cast(w);
  }

  @Override
  public String toString() {
    return "PreparedText(" + text + ")";
  }
}
