import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The failed tests of Surefire's XML reports, one line each: FAIL class.method (File.java:line): the first line of its
 * message. The line is the deepest frame of the test's own class in the stack, where the assertion failed.
 * Usage: java .ci/TestReports.java [--all] DIR|FILE... (a directory is searched for TEST-*.xml); exits 0 whatever it
 * finds. With
 * --all, every test case, tab-separated: PASS or FAIL, class.method, and for a failure where and why
 * (tools/flake-hunt.sh counts them).
 */
public class TestReports {
  private static boolean all;

  public static void main(String[] args) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String dir : args) {
      if (dir.equals("--all")) {
        all = true;
        continue;
      }
      Path root = Path.of(dir);
      if (Files.isRegularFile(root)) {
        read(root, lines);
        continue;
      }
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
          read(file, lines);
        }
      }
    }
    lines.forEach(System.out::println);
  }

  private static void read(Path file, List<String> lines) throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    NodeList cases;
    try {
      cases = factory.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("testcase");
    } catch (IOException | org.xml.sax.SAXException e) {
      lines.add("FAIL (unreadable report " + file + ": " + e.getMessage() + ")");
      return;
    }
    for (int i = 0; i < cases.getLength(); i++) {
      Element testcase = (Element) cases.item(i);
      boolean failed = false;
      for (String kind : List.of("failure", "error")) {
        NodeList faults = testcase.getElementsByTagName(kind);
        if (faults.getLength() == 0) {
          continue;
        }
        Element fault = (Element) faults.item(0);
        String className = testcase.getAttribute("classname");
        String method = testcase.getAttribute("name");
        String message = fault.getAttribute("message");
        String trace = fault.getTextContent();
        if (message.isBlank()) {
          message = trace.isBlank() ? fault.getAttribute("type") : trace.strip().split("\n")[0];
        }
        message = message.strip().split("\n")[0];
        if (message.length() > 300) {
          message = message.substring(0, 300) + "...";
        }
        String type = fault.getAttribute("type");
        String shortType = type.substring(type.lastIndexOf('.') + 1);
        String test = className + "." + (method.isEmpty() ? "(class)" : method);
        String why = (message.startsWith(shortType) || shortType.isEmpty() || shortType.equals("AssertionFailedError")
            ? "" : shortType + ": ") + message;
        lines.add(all ? "FAIL\t" + test + "\t" + at(className, trace).strip() + " " + why.replace('\t', ' ')
            : "FAIL " + test + at(className, trace) + ": " + why);
        failed = true;
        break;
      }
      boolean skipped = testcase.getElementsByTagName("skipped").getLength() > 0;
      if (all && !failed && !skipped) {
        lines.add("PASS\t" + testcase.getAttribute("classname") + "." + testcase.getAttribute("name") + "\t");
      }
    }
  }

  /** " (File.java:N)" for the deepest frame of the test class (or a nested one), else "". */
  private static String at(String className, String trace) {
    Matcher frame = Pattern.compile("at " + Pattern.quote(className) + "(?:\\$[\\w$]+)?\\.[\\w$<>]+\\(([^)]+:\\d+)\\)")
        .matcher(trace);
    String found = "";
    while (frame.find()) {
      found = " (" + frame.group(1) + ")";
      break;
    }
    return found;
  }
}
