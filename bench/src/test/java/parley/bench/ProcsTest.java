package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcsTest {

  @Test
  void readsTheLiveHeapFromTheHistogramTotal() {
    String histogram = """
        5165:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:        330794        7939056  scala.collection.immutable.$colon$colon
           2:         94150        6702120  [B (java.base@17.0.15)
        3017: 1 16 jdk.internal.vm.FillerObject (java.base@17.0.15)
        Total       3017157      102258728
        """;
    assertEquals(99_862, Procs.liveHeapKib(histogram));
    assertEquals(-1, Procs.liveHeapKib("5165:\nAttachNotSupportedException\n"));
  }

  @Test
  void weighsTheLiveHeapOfARunningJvm() throws Exception {
    // This test's own JVM: a full GC, then the histogram; a live array of 64 MiB must be in it.
    byte[] kept = new byte[64 << 20];
    long kib = Procs.liveHeapKib(Procs.classHistogram(ProcessHandle.current().pid()));
    assertTrue(kib >= 64 << 10, "live heap " + kib + " KiB holds the 64 MiB array");
    assertEquals(64 << 20, kept.length);
  }
}
