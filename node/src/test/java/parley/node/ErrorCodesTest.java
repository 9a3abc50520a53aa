package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;

/**
 * The error codes of docs/protocol.md are the codes the node produces, and each is produced by some test: a code the
 * node sends that the protocol does not list, a listed code nothing sends, or a code no test makes the node send all
 * fail here. Read from the sources and the document as they are, not from a list kept beside them.
 */
@InMemory
class ErrorCodesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** A code: a word, or words joined by underscores. */
  private static final Pattern CODE = Pattern.compile("`([a-z]+(?:_[a-z]+)*)`");
  /** A literal that reads as a code wherever it is (words joined by underscores). */
  private static final Pattern UNDERSCORED = Pattern.compile("\"([a-z]+(?:_[a-z]+)+)\"");
  /** A one-word code, where the node answers with one: the first string given to a refusal or an error. */
  private static final Pattern ONE_WORD = Pattern.compile(
      "(?:Rejected|Refused|Problem|Error|error|Throttled|refused|rejected)\\([^\"()]{0,60}\"([a-z]+)\"");
  /** A code the protocol module puts in an answer it builds: an error body's detail, a reset frame's reason. */
  private static final Pattern PROTOCOL_BUILT = Pattern.compile("new (?:Detail|Reset)\\([^\"]*\"([a-z]+(?:_[a-z]+)*)\"");
  /**
   * Underscored literals that are not error codes: entry kinds, a removal's reason, the session cookie's name, why a
   * device's session ended, the search index's field names.
   */
  private static final Set<String> NOT_CODES = Set.of("account_closed", "room_deleted", "who_invites", "parley_token",
      "create_user", "grant_admin", "revoke_admin", "reset_sessions", "signup_policy", "signup_invite", "delete_room", "resolve_report",
      "revoke_invite_link",
      "session_limit",
      "file_name", "has_file", "has_link", "sent_at", "through_room", "through_seq", "skipped_room", "skipped_seq",
      "skipped_reason", "skipped_at");

  /** The codes the protocol's tables list: an HTTP status table's code column, and the error frame table's first. */
  static Set<String> documented() {
    Set<String> codes = new TreeSet<>();
    boolean frameTable = false;
    for (String line : lines(ROOT.resolve("docs/protocol.md"))) {
      if (line.startsWith("#")) {
        frameTable = line.equals("### Error frame codes");
        continue;
      }
      if (!line.startsWith("|")) {
        continue;
      }
      String[] cells = line.split("\\|");
      for (int i = 1; i < cells.length; i++) {
        // A status table's code column, a call's errors ("401 `unauthorized`, 400 `invalid_room`"), the frame codes.
        boolean listsCodes = cells[i - 1].trim().matches("[45]\\d{2}") || cells[i].matches(".*\\b[45]\\d{2} `.*")
            || (frameTable && i == 1);
        Matcher m = CODE.matcher(listsCodes ? cells[i] : "");
        while (m.find()) {
          codes.add(m.group(1));
        }
      }
    }
    return codes;
  }

  /** The codes the node's sources can answer with. */
  static Set<String> produced() {
    Set<String> codes = new TreeSet<>();
    // The protocol module builds two answers itself: an error body's cursor_ahead and a reset frame's.
    for (Path file : javaFiles(ROOT.resolve("protocol/src/main/java"))) {
      Matcher m = PROTOCOL_BUILT.matcher(String.join("\n", lines(file)));
      while (m.find()) {
        codes.add(m.group(1));
      }
    }
    for (Path file : javaFiles(ROOT.resolve("node/src/main/java"))) {
      String source = String.join("\n", lines(file));
      Matcher m = UNDERSCORED.matcher(source);
      while (m.find()) {
        codes.add(m.group(1));
      }
      m = ONE_WORD.matcher(source);
      while (m.find()) {
        codes.add(m.group(1));
      }
    }
    codes.removeAll(NOT_CODES);
    return codes;
  }

  @Test
  void everyCodeTheNodeProducesIsDocumentedAndEveryDocumentedCodeIsProduced() {
    Set<String> documented = documented();
    Set<String> produced = produced();
    assertTrue(documented.size() > 40, "the tables were read: " + documented);
    Set<String> undocumented = new TreeSet<>(produced);
    undocumented.removeAll(documented);
    Set<String> neverProduced = new TreeSet<>(documented);
    neverProduced.removeAll(produced);
    assertEquals(Set.of(), undocumented, "codes the node sends that docs/protocol.md does not list");
    assertEquals(Set.of(), neverProduced, "codes docs/protocol.md lists that nothing in the node sends");
  }

  @Test
  void everyDocumentedCodeIsProducedBySomeTest() {
    StringBuilder tests = new StringBuilder();
    for (String dir : new String[] {"node/src/test/java", "terminal-client/src/test/java", "web/e2e", "web/test"}) {
      for (Path file : files(ROOT.resolve(dir))) {
        tests.append(String.join("\n", lines(file))).append('\n');
      }
    }
    Set<String> untested = new TreeSet<>();
    Set<String> codes = documented();
    // internal_error answers a bug: no request is meant to produce it, so no test can without planting one.
    codes.remove("internal_error");
    for (String code : codes) {
      // Named as a string in a test, or inside one (an expected JSON body: \"code\").
      if (!Pattern.compile("[\"']" + code + "\\\\?[\"']").matcher(tests).find()) {
        untested.add(code);
      }
    }
    assertEquals(Set.of(), untested, "codes no test asserts (none names them)");
  }

  private static List<Path> javaFiles(Path dir) {
    return files(dir).stream().filter(p -> p.toString().endsWith(".java")).toList();
  }

  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*\\.(java|mjs|js)$")).filter(p -> !p.toString().contains("node_modules"))
          .filter(p -> !p.getFileName().toString().equals("ErrorCodesTest.java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
