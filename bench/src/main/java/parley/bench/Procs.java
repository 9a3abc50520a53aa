package parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The processes a run starts (servers, generator workers), stopped when the run ends, also on failure and on
 * Ctrl-C; and what /proc says about them: CPU time, resident memory.
 */
public final class Procs {
  private static final List<Process> STARTED = new CopyOnWriteArrayList<>();
  private static final long TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
  private static Path pidFile;

  /**
   * The bench's own JVMs (generator, limit server) get the same fix as the node (see parley.node.AsyncPool):
   * on 2 cores the JDK starts a thread for every async step of Pekko's Java API unless the common pool has a
   * parallelism above 1. First call of each main method.
   */
  static void useCommonPool() {
    String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(property) == null) {
      System.setProperty(property, String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
  }

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Procs::stopAll, "bench-stop-all"));
  }

  private Procs() {}

  /**
   * The java launcher every process of a run starts with: the coordinator's own runtime, so that a run is on one
   * JDK throughout (the launcher picks it from JAVA_HOME, else the java on the PATH).
   */
  static String java() {
    return jdkTool("java");
  }

  /** A tool of the coordinator's own runtime (java, jcmd), which can attach to the JVMs it started. */
  private static String jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  /** Where the pids of started processes are listed, so the launcher can clean up after a kill -9. */
  static void pidFile(Path file) {
    pidFile = file;
  }

  static Process start(ProcessBuilder builder) throws IOException {
    Process p = builder.start();
    STARTED.add(p);
    writePids();
    return p;
  }

  /** SIGTERM, then SIGKILL after {@code graceSeconds}. */
  static void stop(Process p, int graceSeconds) {
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    STARTED.remove(p);
    writePids();
  }

  static void stopAll() {
    for (Process p : new ArrayList<>(STARTED)) {
      stop(p, 15);
    }
  }

  private static synchronized void writePids() {
    if (pidFile == null) {
      return;
    }
    try {
      StringBuilder sb = new StringBuilder();
      for (Process p : STARTED) {
        sb.append(p.pid()).append('\n');
      }
      Files.writeString(pidFile, sb.toString());
    } catch (IOException e) {
      // best effort
    }
  }

  /** utime + stime of one process in clock ticks; 0 if it is gone. */
  static long cpuTicks(long pid) {
    try {
      return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** utime + stime from a line of /proc/PID/stat or /proc/PID/task/TID/stat. */
  static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // after "pid (comm) ": state=0 ... utime=11, stime=12
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Whether a /proc stat line is a HotSpot JIT compiler thread's ("C2 CompilerThread0", cut to 15 characters). */
  static boolean compilerThread(String stat) {
    String comm = comm(stat);
    return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
  }

  /** A thread's name as the kernel keeps it (15 characters): what stands between the first '(' and the last ')'. */
  private static String comm(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  /**
   * The pool a thread belongs to: its kernel name without the number at its end ("GC Thread#1" and "GC Thread#0" are
   * "GC Thread#", "db-3" is "db-"). Pekko's dispatcher threads are cut to "parley-pekko.ac" (the default and the
   * internal dispatcher together), "parley-pekko.re" (remoting's), "parley-pekko.io" and "parley-pekko.pe"
   * (the persistence plugins').
   */
  static String threadGroup(String stat) {
    return comm(stat).replaceFirst("\\d+$", "");
  }

  /** One thread's pool ({@link #threadGroup}) and CPU ticks so far. */
  record ThreadTicks(String group, long ticks) {}

  /** CPU ticks so far of every thread of these processes, per thread ("pid/tid"); diff with {@link #coresByGroup}. */
  static Map<String, ThreadTicks> threadSample(List<Long> pids) {
    return perThread(pids, task -> {
      String stat = Files.readString(task.resolve("stat"));
      return new ThreadTicks(threadGroup(stat), ticks(stat));
    });
  }

  /**
   * Cores each pool of threads used between two {@link #threadSample}s {@code wallSeconds} apart, the busiest first,
   * leaving out pools under {@code floor} cores. A thread that started in between counts from zero; one that ended is
   * left out, so a pool reads a little low, never high.
   */
  static Map<String, Double> coresByGroup(
      Map<String, ThreadTicks> before, Map<String, ThreadTicks> after, double wallSeconds, double floor) {
    Map<String, Long> ticks = new HashMap<>();
    after.forEach((thread, now) -> {
      ThreadTicks was = before.get(thread);
      ticks.merge(now.group(), Math.max(0, now.ticks() - (was == null ? 0 : was.ticks())), Long::sum);
    });
    Map<String, Double> cores = new LinkedHashMap<>();
    ticks.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> Map.entry(e.getKey(), seconds(e.getValue()) / wallSeconds))
        .filter(e -> e.getValue() >= floor)
        .forEach(e -> cores.put(e.getKey(), e.getValue()));
    return cores;
  }

  /**
   * CPU ticks of the JIT compiler threads of these JVMs, per thread ("pid/tid"), to diff two samples like
   * {@link #sample}. HotSpot starts and ends compiler threads as its queue grows and shrinks; a thread that ended
   * between two samples takes its ticks since the first with it, so a diff reads a little low, never high.
   */
  static Map<String, Long> jitSample(List<Long> pids) {
    return perThread(pids, task -> {
      String stat = Files.readString(task.resolve("stat"));
      return compilerThread(stat) ? ticks(stat) : null;
    });
  }

  /** What a thread's /proc directory tells, or null to leave the thread out. */
  private interface ThreadReader<V> {
    V read(Path task) throws IOException;
  }

  /**
   * Per thread ("pid/tid") of these processes, what {@code reader} makes of its /proc directory. A thread or process
   * that ends meanwhile is left out.
   */
  private static <V> Map<String, V> perThread(List<Long> pids, ThreadReader<V> reader) {
    Map<String, V> m = new HashMap<>();
    for (long pid : pids) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
        tasks.forEach(task -> {
          try {
            V value = reader.read(task);
            if (value != null) {
              m.put(pid + "/" + task.getFileName(), value);
            }
          } catch (IOException | RuntimeException e) {
            // the thread ended meanwhile
          }
        });
      } catch (IOException | RuntimeException e) {
        // the process is gone
      }
    }
    return m;
  }

  /**
   * Context switches of these processes' threads so far, per thread ("pid/tid"): {voluntary (the thread blocked:
   * parked, waited, slept), involuntary (the scheduler took the core from it)}. Diff two samples with
   * {@link #switchesBetween}. A hand-off of work to an idle thread costs one voluntary switch when that thread parks
   * again; where switching is slow (some VMs) that is most of what a lightly loaded actor costs.
   */
  static Map<String, long[]> contextSwitches(List<Long> pids) {
    return perThread(pids, task -> {
      long[] counts = new long[2];
      for (String line : Files.readAllLines(task.resolve("status"))) {
        if (line.startsWith("voluntary_ctxt_switches:")) {
          counts[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
          counts[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return counts;
    });
  }

  /**
   * The switches made between two {@link #contextSwitches} samples: {voluntary, involuntary}. A thread that started
   * in between counts from zero; one that ended is left out with what it did since the first sample, so the result
   * reads a little low, never high, and never below zero (a sum of each process's threads went negative when a
   * server closed its connections and their threads ended).
   */
  static long[] switchesBetween(Map<String, long[]> before, Map<String, long[]> after) {
    return sumBetween(before, after, 2);
  }

  /**
   * What the scheduler did for these processes' threads so far, per thread ("pid/tid"), from
   * /proc/PID/task/TID/schedstat: {nanoseconds on a core, nanoseconds runnable but waiting for a core, times it was
   * put on a core}. Diff two samples with {@link #schedBetween}. The waiting is what a thread woken with work spends
   * before it runs: behind other threads when the cores are taken, and on a virtual machine also while the
   * hypervisor wakes an idle virtual CPU.
   */
  static Map<String, long[]> schedSample(List<Long> pids) {
    return perThread(pids, task -> schedstat(Files.readString(task.resolve("schedstat"))));
  }

  /** The three numbers of a schedstat line: "run_ns wait_ns slices". */
  static long[] schedstat(String line) {
    String[] f = line.trim().split("\\s+");
    return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
  }

  /** The sums between two {@link #schedSample}s, counted like {@link #switchesBetween}: {run ns, wait ns, slices}. */
  static long[] schedBetween(Map<String, long[]> before, Map<String, long[]> after) {
    return sumBetween(before, after, 3);
  }

  private static long[] sumBetween(Map<String, long[]> before, Map<String, long[]> after, int columns) {
    long[] sum = new long[columns];
    after.forEach((thread, counts) -> {
      long[] was = before.getOrDefault(thread, new long[columns]);
      for (int i = 0; i < columns; i++) {
        sum[i] += Math.max(0, counts[i] - was[i]);
      }
    });
    return sum;
  }

  /**
   * The machine's idle and stolen CPU ticks from the first line of {@code /proc/stat}: {idle, stolen}. Idle counts
   * iowait too; stolen is time the hypervisor ran something else while this machine had work. {0, 0} where there
   * is no /proc. Busy time is what is neither ({@link #machineBusySeconds}): the kernel's own user and system
   * columns are sampled at its tick, and on a tickless kernel they missed most of a JVM's short bursts (0.15 busy
   * cores in a step where the server alone used 0.43), while idle time is measured exactly.
   */
  static long[] machineTicks() {
    try {
      return machineTicks(Files.readAllLines(Path.of("/proc/stat")).get(0));
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  static long[] machineTicks(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    // "cpu user nice system idle iowait irq softirq steal ..."
    return new long[] {Long.parseLong(f[4]) + Long.parseLong(f[5]), f.length > 8 ? Long.parseLong(f[8]) : 0};
  }

  /** The machine's CPUs as /proc/stat counts them (a process's own count can be capped by its cgroup). */
  static int machineCpus() {
    try {
      return (int) Math.max(1, Files.readAllLines(Path.of("/proc/stat")).stream()
          .filter(l -> l.length() > 3 && l.startsWith("cpu") && Character.isDigit(l.charAt(3))).count());
    } catch (IOException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** CPU seconds every process of the machine used between two {@link #machineTicks} samples {@code wall} apart. */
  static double machineBusySeconds(long[] before, long[] after, double wallSeconds, int cpus) {
    return Math.max(0, cpus * wallSeconds - seconds(after[0] - before[0]) - seconds(after[1] - before[1]));
  }

  static long cpuTicks(List<Long> pids) {
    return pids.stream().mapToLong(Procs::cpuTicks).sum();
  }

  static double seconds(long ticks) {
    return ticks / (double) TICKS_PER_SECOND;
  }

  /** Every PostgreSQL process of the machine's cluster (postmaster, backends, writers). */
  static List<Long> postgresPids() {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
      dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(d -> {
        try {
          if (Files.readString(d.resolve("comm")).trim().equals("postgres")) {
            pids.add(Long.parseLong(d.getFileName().toString()));
          }
        } catch (IOException | RuntimeException e) {
          // gone meanwhile
        }
      });
    } catch (IOException e) {
      // no /proc: no figures
    }
    return pids;
  }

  /** CPU ticks per pid, to diff two samples (processes that started in between count from zero). */
  static Map<Long, Long> sample(List<Long> pids) {
    Map<Long, Long> m = new HashMap<>();
    for (long pid : pids) {
      m.put(pid, cpuTicks(pid));
    }
    return m;
  }

  static <K> long diff(Map<K, Long> before, Map<K, Long> after) {
    long sum = 0;
    for (Map.Entry<K, Long> e : after.entrySet()) {
      sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  /** Resident set size in KiB (VmRSS), or -1. */
  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  /** The last line of a class histogram: "Total   3017157   102258728" (instances, bytes). */
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  /**
   * Live heap in KiB, or -1: the total of a class histogram, which the JVM takes right after a full GC. Not "used"
   * from GC.heap_info after GC.run: that counts the thread-local allocation buffers threads take in the moment
   * between the two commands, which with a 3 GiB young generation was 230 MB on an idle node (115 KiB per session
   * at 2,000 sessions, where the histogram said 45).
   */
  static long liveHeapKib(String histogram) {
    Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
    return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
  }

  /** jcmd GC.class_histogram: a full GC, then instances and bytes per class, largest first, and a Total line. */
  static String classHistogram(long pid) throws IOException {
    return run(List.of(jdkTool("jcmd"), String.valueOf(pid), "GC.class_histogram"));
  }

  /** A built module's classes and its dependencies (target/classpath.txt, written by the build), for a child JVM. */
  static String classpath(Path root, String module) throws IOException {
    Path target = root.resolve(module).resolve("target");
    return target.resolve("classes") + ":" + Files.readString(target.resolve("classpath.txt")).trim();
  }

  /** Runs a short command and returns its output; IOException on failure. */
  static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out.trim());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
