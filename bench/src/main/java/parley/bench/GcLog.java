package parley.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stop-the-world pauses from JVM GC logs written with {@link #option}, so each step of a run can say how much of its
 * tail latency was the collector's (the server's or the generator's own). The parallel collector and G1 log each
 * pause at {@code gc}; ZGC logs its pauses (a fraction of a millisecond each) at {@code gc+phases}, and an
 * allocating thread it had to stop until memory was freed as an "Allocation Stall", which is counted too.
 */
final class GcLog {
  private static final Pattern PAUSE =
      Pattern.compile("^\\[([^\\]]+)\\].*\\b(?:Pause|Allocation Stall)\\b.*?(\\d+(?:\\.\\d+)?)ms$");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  private GcLog() {}

  /** The JVM option that writes such a log. */
  static String option(Path file) {
    return "-Xlog:gc,gc+phases=info:file=" + file + ":time";
  }

  /** Pauses that started within [fromMicros, toMicros] in these logs: count, total and longest, in ms. */
  static ObjectNode pauses(List<Path> logs, long fromMicros, long toMicros) {
    int count = 0;
    double total = 0;
    double max = 0;
    for (Path log : logs) {
      List<String> lines;
      try {
        lines = Files.readAllLines(log);
      } catch (IOException e) {
        continue;
      }
      for (String line : lines) {
        Matcher m = PAUSE.matcher(line.trim());
        if (!m.find()) {
          continue;
        }
        long at;
        try {
          at = OffsetDateTime.parse(m.group(1), TIME).toInstant().toEpochMilli() * 1000;
        } catch (RuntimeException e) {
          continue;
        }
        if (at < fromMicros || at > toMicros) {
          continue;
        }
        double ms = Double.parseDouble(m.group(2));
        count++;
        total += ms;
        max = Math.max(max, ms);
      }
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("count", count).put("totalMs", Math.round(total * 10) / 10.0).put("maxMs", Math.round(max * 10) / 10.0);
    return o;
  }
}
