package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void capacityColumnsNameTheirBoundInMilliseconds() {
    // The key "p99Under50ms" once rendered as "p99 ≤ 9950 ms": every digit of the key, the 99 of p99 included.
    assertEquals(List.of("p99 ≤ 50 ms", "p99 ≤ 100 ms", "p99 ≤ 200 ms", "p99 ≤ 500 ms", "sustained"),
        Report.bounds(true).stream().map(Report::boundLabel).toList());
    assertEquals(List.of("sustained"), Report.bounds(false).stream().map(Report::boundLabel).toList());
  }
}
