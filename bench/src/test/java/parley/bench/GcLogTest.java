package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcLogTest {

  @Test
  void sumsThePausesOfAWindow(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("gc.log");
    Files.write(log, List.of(
        "[2026-11-21T15:20:01.000+0000] Using G1",
        "[2026-11-21T15:20:01.100+0000] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.500ms",
        "[2026-11-21T15:20:02.000+0000] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 30M->4M(256M) 12.125ms",
        "[2026-11-21T15:20:02.500+0000] GC(1) Concurrent Mark Cycle 20.000ms",
        "[2026-11-21T15:20:03.000+0000] GC(1) Pause Remark 5M->5M(256M) 1.000ms",
        "[2026-11-21T15:20:09.000+0000] GC(2) Pause Full (System.gc()) 5M->2M(256M) 40.000ms"));
    long from = OffsetDateTime.parse("2026-11-21T15:20:01.500Z").toInstant().toEpochMilli() * 1000;
    long to = OffsetDateTime.parse("2026-11-21T15:20:05.000Z").toInstant().toEpochMilli() * 1000;
    ObjectNode p = GcLog.pauses(List.of(log, dir.resolve("missing.log")), from, to);
    assertEquals(2, p.path("count").asInt());
    assertEquals(13.1, p.path("totalMs").asDouble(), 0.01);
    assertEquals(12.1, p.path("maxMs").asDouble(), 0.01);
  }
}
