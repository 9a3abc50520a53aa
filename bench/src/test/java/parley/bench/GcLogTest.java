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

  @Test
  void countsZgcPausesAndAllocationStallsButNotItsConcurrentPhases(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("gc.log");
    Files.write(log, List.of( // as JDK 25 writes them with GcLog.option
        "[2026-11-22T03:41:11.066+0000] GC(0) Y: Concurrent Mark 7.160ms",
        "[2026-11-22T03:41:11.066+0000] GC(0) Y: Pause Mark End 0.009ms",
        "[2026-11-22T03:41:11.067+0000] GC(0) Y: Pause Relocate Start 0.006ms",
        "[2026-11-22T03:41:11.069+0000] GC(0) Y: Concurrent Relocate 1.918ms",
        "[2026-11-22T03:41:11.069+0000] GC(0) Y: Young Generation 8M(12%)->8M(12%) 0.012s",
        "[2026-11-22T03:41:11.379+0000] Allocation Stall (main) 0.972ms",
        "[2026-11-22T03:41:11.380+0000] GC(5) Minor Collection (Allocation Stall)",
        "[2026-11-22T03:41:11.385+0000] GC(5) Minor Collection (Allocation Stall) 30M(47%)->36M(56%) 0.005s"));
    long from = OffsetDateTime.parse("2026-11-22T03:41:11.000Z").toInstant().toEpochMilli() * 1000;
    long to = OffsetDateTime.parse("2026-11-22T03:41:12.000Z").toInstant().toEpochMilli() * 1000;
    ObjectNode p = GcLog.pauses(List.of(log), from, to);
    assertEquals(3, p.path("count").asInt());
    assertEquals(1.0, p.path("totalMs").asDouble(), 0.01);
    assertEquals(1.0, p.path("maxMs").asDouble(), 0.01);
  }
}
