package parley.node.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import org.slf4j.LoggerFactory;

/**
 * The logs of a whole test run, in one place: what each test JVM logs (the nodes started in it) and what every node
 * process a test starts writes ({@link NodeProcess}), under {@code target/run-logs/fork-N} (one directory per test
 * JVM, {@link TestFork}); and the secrets the run used (tokens and passwords, recorded by {@link ApiClient}), one per
 * line in {@code target/run-logs/secrets-N.txt}. {@code LogsHoldNoSecretTest} reads both after the suite, in a
 * Surefire run of its own (node/pom.xml). Registered with the JUnit launcher (META-INF/services), so it starts before
 * a JVM's first test; in the JVM that reads ({@code -Dparley.test.runlog=read}) it keeps its hands off.
 */
public final class RunLog implements TestExecutionListener {
  private static final Path ROOT = Path.of("target", "run-logs").toAbsolutePath();
  private static final Path DIR = ROOT.resolve("fork-" + TestFork.number());
  private static final Path SECRETS_FILE = ROOT.resolve("secrets-" + TestFork.number() + ".txt");
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  private static volatile boolean started;

  /** Where this JVM's logs go. */
  public static Path dir() {
    return DIR;
  }

  /** Where every JVM's logs and secrets go. */
  public static Path root() {
    return ROOT;
  }

  /** A token or password the run used: it must appear in no log. */
  public static void secret(String secret) {
    if (secret != null && secret.length() >= 8 && SECRETS.add(secret) && started) {
      synchronized (RunLog.class) {
        try {
          Files.writeString(SECRETS_FILE, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** Whether this JVM's log went to {@link #dir()} from the start of the run (not in a run of one class by hand). */
  public static boolean started() {
    return started;
  }

  @Override
  public void testPlanExecutionStarted(TestPlan plan) {
    // With more than one test JVM, Surefire hands each a class at a time, and each is a test plan of its own: the
    // directory is the JVM's from its first class on.
    if (started || "read".equals(System.getProperty("parley.test.runlog"))) {
      return;
    }
    try {
      Files.deleteIfExists(SECRETS_FILE);
      if (Files.isDirectory(DIR)) {
        try (Stream<Path> old = Files.walk(DIR)) {
          old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(DIR);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger - %msg%n%ex");
    encoder.start();
    FileAppender<ILoggingEvent> file = new FileAppender<>();
    file.setContext(context);
    file.setName("run-log");
    file.setFile(DIR.resolve("test-jvm.log").toString());
    file.setEncoder(encoder);
    file.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(file);
    started = true;
  }
}
