package parley.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One rule for sizes, the web client's: decimal units, one decimal below 10, whole numbers from 10 up. */
class TransferTest {

  @Test
  void sizesAreDecimalWithOneDecimalBelowTenAndWholeFromTenUp() {
    assertEquals("0 B", Transfer.size(0));
    assertEquals("999 B", Transfer.size(999));
    assertEquals("1.0 KB", Transfer.size(1000));
    assertEquals("1.5 KB", Transfer.size(1500));
    assertEquals("6.2 KB", Transfer.size(6200));
    assertEquals("9.9 KB", Transfer.size(9940));
    assertEquals("10 KB", Transfer.size(9960), "rounds to 10: a whole number, not 10.0");
    assertEquals("10 KB", Transfer.size(10_000));
    assertEquals("45 KB", Transfer.size(45_499));
    assertEquals("999 KB", Transfer.size(999_499));
    assertEquals("1.0 MB", Transfer.size(999_500), "never 1000 KB");
    assertEquals("1.0 MB", Transfer.size(1_048_576), "by 1000, not 1024");
    assertEquals("12 MB", Transfer.size(12_345_678));
    assertEquals("812 MB", Transfer.size(812_000_000));
    assertEquals("4.3 GB", Transfer.size(4_300_000_000L));
    assertEquals("1500 GB", Transfer.size(1_500_000_000_000L), "GB is the largest unit");
  }
}
