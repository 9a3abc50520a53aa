package parley.client.tui;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the screen tests cannot see, since they read Lanterna's virtual terminal: the bytes a real terminal gets. The
 * client draws emoji above U+FFFF, CJK, a combining accent and a ZWJ sequence in a tmux pane with a UTF-8 locale,
 * and the pane, read back with {@code tmux capture-pane}, shows each whole (once it showed "??" for each emoji).
 */
class RealTerminalTest {
  /** What the client draws, and what the pane shows of it. */
  static final Map<String, String> LINES = new LinkedHashMap<>();

  static {
    LINES.put("[\ud83c\udf89 1]", "[\ud83c\udf89 1]");                      // 🎉, a reaction chip
    LINES.put("ship it \ud83d\ude80", "ship it \ud83d\ude80");              // 🚀
    LINES.put("\u6f22\u5b57\u30c6\u30b9\u30c8 end", "\u6f22\u5b57\u30c6\u30b9\u30c8 end"); // 漢字テスト, two columns each
    LINES.put("cafe\u0301 and nai\u0308ve!", "caf\u00e9 and na\u00efve!");   // combining marks
    // 👩‍💻, a ZWJ sequence: drawn as 👩💻 (Glyphs), four columns on every terminal; what follows stays in place.
    LINES.put("dev: \ud83d\udc69\u200d\ud83d\udcbb ok", "dev: \ud83d\udc69\ud83d\udcbb ok");
  }

  private static String run(Path log, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int status = p.waitFor();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (status != 0) {
      throw new IOException(String.join(" ", command) + " exited " + status + ": " + out);
    }
    return out;
  }

  @Test
  void emojiCjkCombiningMarksAndZwjReachARealTerminalWhole() throws Exception {
    boolean tmux = Files.isExecutable(Path.of("/usr/bin/tmux"));
    // CI installs tmux (./parley test); a developer's machine without it skips this one test.
    assertTrue(tmux || System.getenv("CI") == null, "tmux is missing under CI");
    assumeTrue(tmux, "needs tmux");
    Path dir = Files.createTempDirectory("parley-real-terminal");
    String socket = "parley-probe-" + ProcessHandle.current().pid();
    String java = ProcessHandle.current().info().command().orElse("java");
    Path script = dir.resolve("probe.sh");
    Files.writeString(script, "exec env LC_ALL=C.UTF-8 LANG=C.UTF-8 '" + java + "' -cp '"
        + System.getProperty("java.class.path") + "' " + RealTerminalProbe.class.getName() + " 2>" + dir.resolve("err")
        + "\n");
    Path log = dir.resolve("tmux.log");
    try {
      run(log, "tmux", "-u", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "12",
          "sh " + script);
      String screen = "";
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (!screen.contains(RealTerminalProbe.DONE) && Instant.now().isBefore(deadline)) {
        screen = run(log, "tmux", "-L", socket, "capture-pane", "-p");
        Thread.onSpinWait();
      }
      assertTrue(screen.contains(RealTerminalProbe.DONE), "the probe never drew: " + screen
          + Files.readString(dir.resolve("err")));
      String shown = Normalizer.normalize(screen, Normalizer.Form.NFC);
      for (Map.Entry<String, String> line : LINES.entrySet()) {
        assertTrue(shown.contains(line.getValue()),
            "the pane shows \"" + line.getKey() + "\" as \"" + line.getValue() + "\":\n" + screen);
      }
    } finally {
      new ProcessBuilder("tmux", "-L", socket, "kill-server").start().waitFor();
    }
  }
}
