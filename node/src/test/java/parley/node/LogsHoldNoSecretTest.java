package parley.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import parley.node.testkit.RunLog;

/**
 * After the suite, in a Surefire run of its own (node/pom.xml): every log line the run wrote (each test JVM's nodes
 * and every node process, see {@link RunLog}) is searched for every token and password the run's clients used. A token is found by its secret
 * part too (the 64 hex digits before the name), so a log that cut the name off would still be caught.
 */
class LogsHoldNoSecretTest {

  /** Where each secret occurs in these files: "file:line: secret", or nothing. */
  static List<String> find(Set<String> secrets, List<Path> files) throws IOException {
    List<String> needles = new ArrayList<>();
    for (String s : secrets) {
      needles.add(s);
      int dot = s.indexOf('.');
      if (dot == 64) {
        needles.add(s.substring(0, dot));
      }
    }
    List<String> found = new ArrayList<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        for (String needle : needles) {
          if (lines.get(i).contains(needle)) {
            found.add((file.startsWith(RunLog.root()) ? RunLog.root().relativize(file) : file.getFileName()) + ":" + (i + 1)
                + ": " + needle);
          }
        }
      }
    }
    return found;
  }

  @Test
  void noTokenOrPasswordOfTheWholeRunIsInItsLogs() throws IOException {
    Set<String> secrets = new HashSet<>();
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(RunLog.root())) {
      try (Stream<Path> all = Files.walk(RunLog.root(), 2)) {
        for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
          String name = p.getFileName().toString();
          if (name.startsWith("secrets-") && name.endsWith(".txt")) {
            secrets.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
          } else if (p.getParent().getFileName().toString().startsWith("fork-")) {
            files.add(p);
          }
        }
      }
    }
    String few = "run after the whole suite (it reads the logs of the classes before it): " + secrets.size()
        + " secrets seen";
    if ("true".equals(System.getenv("CI"))) {
      assertTrue(secrets.size() >= 50, few); // CI runs the whole suite: a check that skipped there would hide a leak
    }
    Assumptions.assumeTrue(secrets.size() >= 50, few);
    long lines = 0;
    for (Path f : files) {
      try (Stream<String> l = Files.lines(f, StandardCharsets.UTF_8)) {
        lines += l.count();
      }
    }
    assertTrue(lines > 100 && files.size() > 1, "the run's logs were gathered: " + files + ", " + lines + " lines");
    List<String> found = find(secrets, files);
    assertTrue(found.isEmpty(), "the logs hold secrets the run used (" + secrets.size() + " secrets, " + lines
        + " lines in " + files.size() + " files): " + found.subList(0, Math.min(20, found.size())));
  }

  @Test
  void theSearchFindsATokenByItsSecretPartAndAPassword(@TempDir Path dir) throws IOException {
    String token = "ab".repeat(32) + ".alice-1234";
    Path log = dir.resolve("node.log");
    Files.writeString(log, "12:00:00 INFO x - fine\n12:00:01 WARN y - header Bearer " + "ab".repeat(32) + "\n"
        + "12:00:02 INFO z - body {\"password\":\"correct horse\"}\n");
    List<String> found = find(Set.of(token, "correct horse"), List.of(log));
    assertTrue(found.contains("node.log:2: " + "ab".repeat(32)), found.toString());
    assertTrue(found.contains("node.log:3: correct horse"), found.toString());
    assertTrue(find(Set.of("cd".repeat(32) + ".bob-1"), List.of(log)).isEmpty());
  }
}
