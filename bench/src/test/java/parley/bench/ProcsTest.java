package parley.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
  void readsTheMachinesIdleAndStolenTicks() {
    // A line of this machine's kind: user nice system idle iowait irq softirq steal guest guest_nice.
    long[] t = Procs.machineTicks("cpu  320536 0 108285 227677 4177 0 26879 10685 0 0");
    assertEquals(227_677 + 4_177, t[0], "idle: idle and iowait");
    assertEquals(10_685, t[1], "stolen");
    assertEquals(0, Procs.machineTicks("cpu  10 0 5 100 0 0 1")[1], "a kernel without the steal column");
    // 2 CPUs for 10 s, of which 6 s idle and 1 s stolen: 13 s busy.
    assertEquals(13.0, Procs.machineBusySeconds(new long[] {1000, 50}, new long[] {1600, 150}, 10, 2), 1e-9);
  }

  @Test
  void theMachinesBusyTimeCountsThisProcesssWork() {
    long[] before = Procs.machineTicks();
    long started = System.nanoTime();
    // Spin until this process has used 0.3 s of CPU: the machine's busy time includes it.
    long x = spin(30);
    long[] after = Procs.machineTicks();
    double busy = Procs.machineBusySeconds(before, after, (System.nanoTime() - started) / 1e9, Procs.machineCpus());
    assertTrue(busy >= 0.2, "machine busy " + busy + " s (" + x + ")");
    assertTrue(after[1] >= before[1]);
  }

  @Test
  void tellsTheJitCompilerThreadsFromTheOthers() {
    assertTrue(Procs.compilerThread("5276 (C2 CompilerThre) S 1 5241 3 0 -1 1077936192 0 0 0 0 1703 12 0 0"));
    assertTrue(Procs.compilerThread("5276 (C1 CompilerThre) S 1 5241 3 0 -1 1077936192 0 0 0 0 269 3 0 0"));
    assertFalse(Procs.compilerThread("5277 (GC Thread#0) S 1 5241 3 0 -1 1077936192 0 0 0 0 9 1 0 0"));
    // A thread's name may hold parentheses and spaces; the name is what stands between the first '(' and last ')'.
    assertFalse(Procs.compilerThread("5278 (x (C2 CompilerThre)) S 1 5241 3 0 -1 1 0 0 0 0 5 0 0 0"));
    assertEquals(1703 + 12, Procs.ticks("5276 (C2 CompilerThre) S 1 5241 3 0 -1 1077936192 0 0 0 0 1703 12 0 0"));
  }

  @Test
  void groupsThreadsByTheirPool() {
    assertEquals("GC Thread#", Procs.threadGroup("5277 (GC Thread#0) S 1 5241 3 0 -1 1 0 0 0 0 9 1 0 0"));
    assertEquals("GC Thread#", Procs.threadGroup("5279 (GC Thread#12) S 1 5241 3 0 -1 1 0 0 0 0 9 1 0 0"));
    assertEquals("db-", Procs.threadGroup("6001 (db-3) S 1 5241 3 0 -1 1 0 0 0 0 9 1 0 0"));
    // Pekko's dispatcher threads, cut to 15 characters by the kernel; a number inside a name stays.
    assertEquals("parley-pekko.ac", Procs.threadGroup("6002 (parley-pekko.ac) S 1 5241 3 0 -1 1 0 0 0 0 9 1 0 0"));
    assertEquals("C2 CompilerThre", Procs.threadGroup("5276 (C2 CompilerThre) S 1 5241 3 0 -1 1 0 0 0 0 1 0 0 0"));
  }

  @Test
  void splitsAStepsCpuByPoolTheBusiestFirst() {
    Map<String, Procs.ThreadTicks> before = Map.of(
        "10/11", new Procs.ThreadTicks("parley-pekko.ac", 1_000),
        "10/12", new Procs.ThreadTicks("parley-pekko.ac", 500),
        "10/13", new Procs.ThreadTicks("parley-pekko.re", 100),
        "20/21", new Procs.ThreadTicks("parley-pekko.re", 100),
        "10/14", new Procs.ThreadTicks("GC Thread#", 40),
        "10/15", new Procs.ThreadTicks("VM Periodic Tas", 7));
    // 10 s later: two nodes' remoting threads add up; a thread that started meanwhile counts from zero; one that
    // ended (10/12) is left out; the idle pool is under the floor.
    Map<String, Procs.ThreadTicks> after = Map.of(
        "10/11", new Procs.ThreadTicks("parley-pekko.ac", 1_900),
        "10/13", new Procs.ThreadTicks("parley-pekko.re", 150),
        "20/21", new Procs.ThreadTicks("parley-pekko.re", 200),
        "20/22", new Procs.ThreadTicks("parley-pekko.ac", 300),
        "10/14", new Procs.ThreadTicks("GC Thread#", 60),
        "10/15", new Procs.ThreadTicks("VM Periodic Tas", 7));
    Map<String, Double> cores = Procs.coresByGroup(before, after, 10, 0.01);
    assertEquals(List.of("parley-pekko.ac", "parley-pekko.re", "GC Thread#"), new ArrayList<>(cores.keySet()));
    assertEquals(1.2, cores.get("parley-pekko.ac"), 1e-9, "(900 + 300) ticks in 10 s");
    assertEquals(0.15, cores.get("parley-pekko.re"), 1e-9);
    assertEquals(0.02, cores.get("GC Thread#"), 1e-9);
  }

  @Test
  void samplesEveryThreadOfARunningJvm() {
    long pid = ProcessHandle.current().pid();
    Map<String, Procs.ThreadTicks> before = Procs.threadSample(List.of(pid));
    long x = spin(20);
    Map<String, Double> cores = Procs.coresByGroup(before, Procs.threadSample(List.of(pid)), 1, 0.0);
    // The spinning thread used 0.2 s of CPU at least; with the wall time given as 1 s, cores read as seconds.
    assertTrue(cores.values().stream().mapToDouble(Double::doubleValue).sum() >= 0.15, cores + " (" + x + ")");
    assertEquals(Map.of(), Procs.threadSample(List.of(-1L)), "a process that is gone has none");
  }

  @Test
  void samplesTheJitCompilersOfARunningJvm() {
    // This test's own JVM keeps at least one C1 and one C2 thread; what they use only grows.
    long pid = ProcessHandle.current().pid();
    Map<String, Long> before = Procs.jitSample(List.of(pid));
    assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith(pid + "/")), "compiler threads: " + before);
    Map<String, Long> after = Procs.jitSample(List.of(pid, -1L));
    assertTrue(Procs.diff(before, after) >= 0);
    assertEquals(Map.of(), Procs.jitSample(List.of(-1L)), "a process that is gone has none");
  }

  @Test
  void countsTheSwitchesOfAThreadThatBlocks() throws Exception {
    // A thread that blocks 100 times (a sleep of 1 ms each: it gives up its core every time) makes at least 100
    // voluntary switches. It lives until the second sample: a thread that ended takes its count with it.
    long pid = ProcessHandle.current().pid();
    var done = new CountDownLatch(1);
    var finish = new CountDownLatch(1);
    Thread blocker = new Thread(() -> {
      try {
        for (int i = 0; i < 100; i++) {
          Thread.sleep(1);
        }
        done.countDown();
        finish.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Map<String, long[]> before = Procs.contextSwitches(List.of(pid));
    blocker.start();
    done.await();
    Map<String, long[]> after = Procs.contextSwitches(List.of(pid));
    finish.countDown();
    blocker.join();
    long[] made = Procs.switchesBetween(before, after);
    assertTrue(made[0] >= 100, "voluntary switches: " + made[0]);
    assertTrue(made[1] >= 0);
    assertEquals(Map.of(), Procs.contextSwitches(List.of(-1L)), "a process that is gone has none");
  }

  @Test
  void aThreadThatEndedBetweenTwoSamplesIsLeftOutNotSubtracted() {
    // Thread 2 ended (a server that closed its connections), thread 3 started: 5 + 3 voluntary, 1 + 1 involuntary.
    Map<String, long[]> before = Map.of("7/1", new long[] {10, 5}, "7/2", new long[] {100, 50});
    Map<String, long[]> after = Map.of("7/1", new long[] {15, 6}, "7/3", new long[] {3, 1});
    assertArrayEquals(new long[] {8, 2}, Procs.switchesBetween(before, after));
  }

  @Test
  void readsHowLongThreadsWaitedForACore() throws Exception {
    assertArrayEquals(new long[] {5_000_000, 1_200_000, 42}, Procs.schedstat("5000000 1200000 42\n"));
    // Three threads that each want a core for 0.3 s at once, on a machine of at most two: someone waits, and each of
    // them counts its time on a core. They stay alive until the second sample (a thread that ended is left out).
    long pid = ProcessHandle.current().pid();
    CountDownLatch spun = new CountDownLatch(3);
    CountDownLatch sampled = new CountDownLatch(1);
    Map<String, long[]> before = Procs.schedSample(List.of(pid));
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t = new Thread(() -> {
        spinOwnCpu(300_000_000L);
        spun.countDown();
        try {
          sampled.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      spinners.add(t);
      t.start();
    }
    spun.await();
    long[] sched = Procs.schedBetween(before, Procs.schedSample(List.of(pid)));
    sampled.countDown();
    for (Thread t : spinners) {
      t.join();
    }
    assertTrue(sched[0] >= 900_000_000L, "on a core: " + sched[0] + " ns");
    assertTrue(sched[2] >= 3, "turns on a core: " + sched[2]);
    if (Procs.machineCpus() <= 2) {
      assertTrue(sched[1] > 0, "three spinning threads on " + Procs.machineCpus() + " cores never waited");
    }
    assertEquals(Map.of(), Procs.schedSample(List.of(-1L)), "a process that is gone has none");
  }

  @Test
  void weighsTheLiveHeapOfARunningJvm() throws Exception {
    // This test's own JVM: a full GC, then the histogram; a live array of 64 MiB must be in it.
    byte[] kept = new byte[64 << 20];
    long kib = Procs.liveHeapKib(Procs.classHistogram(ProcessHandle.current().pid()));
    assertTrue(kib >= 64 << 10, "live heap " + kib + " KiB holds the 64 MiB array");
    assertEquals(64 << 20, kept.length);
  }

  @Test
  void theServersDefaultJvmOptionsStartOnThisRuntime() throws Exception {
    // What a run starts its nodes and the limit with, on the runtime it was started on (Procs.java()): a flag
    // this JDK does not know would fail every server at start.
    for (int nodes : new int[] {1, 3}) {
      List<String> cmd = new ArrayList<>(List.of(Procs.java()));
      cmd.addAll(Arrays.asList(Bench.serverJavaOpts(nodes).split(" ")));
      cmd.add("-version");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), String.join(" ", cmd) + " printed: " + out);
      assertTrue(out.contains(Runtime.version().toString()), "ran on this runtime: " + out);
    }
  }

  @Test
  void clusterNodesRunTheParallelCollectorWithOnePauseThreadEach() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Procs.java()));
    cmd.addAll(Arrays.asList(Bench.serverJavaOpts(3).split(" ")));
    cmd.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.matches("(?s).*\\bUseParallelGC\\s+= true.*"), "the parallel collector on the nodes");
    // Three nodes pausing with two threads each on two shared cores stopped for seconds (Bench.serverJavaOpts).
    assertTrue(out.matches("(?s).*\\bParallelGCThreads\\s+= 1\\b.*"), "one pause thread a node");
    assertTrue(out.matches("(?s).*\\bNewSize\\s+= 1073741824\\b.*"), "a 1 GiB young generation");
  }

  /** Spins until the calling thread has used this much CPU time. */
  private static void spinOwnCpu(long nanos) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long until = threads.getCurrentThreadCpuTime() + nanos;
    while (threads.getCurrentThreadCpuTime() < until) {
      Thread.onSpinWait();
    }
  }

  /** Keeps this thread busy until this process has used {@code ticks} more of CPU; the result keeps the loop alive. */
  private static long spin(long ticks) {
    long pid = ProcessHandle.current().pid();
    long before = Procs.cpuTicks(pid);
    long x = 0;
    while (Procs.cpuTicks(pid) - before < ticks) {
      x += Long.numberOfTrailingZeros(System.nanoTime());
    }
    return x;
  }
}
