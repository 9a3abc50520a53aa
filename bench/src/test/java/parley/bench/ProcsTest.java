package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProcsTest {

  @Test
  void readsTheHeapInUseOfG1() {
    String g1 = """
        12345:
         garbage-first heap   total 6291456K, used 663552K [0x0000000680000000, 0x0000000800000000)
          region size 4096K, 3 young (12288K), 0 survivors (0K)
         Metaspace       used 61234K, committed 61952K, reserved 1105920K
        """;
    assertEquals(663_552, Procs.heapUsedKib(g1));
  }

  @Test
  void addsTheGenerationsOfTheParallelCollector() {
    // Reading only a "heap total" line gave -1 before and after with -XX:+UseParallelGC, so 0 KiB per session.
    String parallel = """
        12345:
         PSYoungGen      total 2752512K, used 1024K [0x00000007a0000000, 0x0000000800000000, 0x0000000800000000)
          eden space 2359296K, 0% used [0x00000007a0000000,0x00000007a0100000,0x0000000830000000)
          from space 393216K, 0% used [0x0000000830000000,0x0000000830000000,0x0000000848000000)
         ParOldGen       total 3145728K, used 640000K [0x00000006e0000000, 0x00000007a0000000, 0x00000007a0000000)
          object space 3145728K, 20% used [0x00000006e0000000,0x0000000707100000,0x00000007a0000000)
         Metaspace       used 61234K, committed 61952K, reserved 1105920K
        """;
    assertEquals(641_024, Procs.heapUsedKib(parallel));
    assertEquals(-1, Procs.heapUsedKib("12345:\n ZHeap           used 200M, capacity 6144M, max capacity 6144M\n"));
  }
}
