package parley.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/** Histograms across process boundaries (compressed, base64) and as the figures a report shows. */
public final class Hist {
  private Hist() {}

  public static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }

  public static Histogram decode(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not an encoded histogram", e);
    }
  }

  /** count, p50, p90, p99, p99.9, max in milliseconds (three decimals). */
  public static ObjectNode summary(Histogram h) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("count", h.getTotalCount());
    o.put("p50_ms", ms(h.getValueAtPercentile(50)));
    o.put("p90_ms", ms(h.getValueAtPercentile(90)));
    o.put("p99_ms", ms(h.getValueAtPercentile(99)));
    o.put("p999_ms", ms(h.getValueAtPercentile(99.9)));
    o.put("max_ms", ms(h.getMaxValue()));
    return o;
  }

  public static double ms(long micros) {
    return Math.round(micros / 1.0) / 1000.0;
  }
}
