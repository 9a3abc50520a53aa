package parley.node.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import org.slf4j.LoggerFactory;

/**
 * The logs of a whole test run, in one place: what the test JVM logs (the nodes started in it) and what every node
 * process a test starts writes ({@link NodeProcess}), under {@code target/run-logs}; and the secrets the run used
 * (tokens and passwords, recorded by {@link ApiClient}). {@code LogsHoldNoSecretTest}, the run's last class, reads
 * both. Registered with the JUnit launcher (META-INF/services), so it starts before the first test.
 */
public final class RunLog implements TestExecutionListener {
  private static final Path DIR = Path.of("target", "run-logs").toAbsolutePath();
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  private static volatile boolean started;

  public static Path dir() {
    return DIR;
  }

  /** A token or password the run used: it must appear in no log. */
  public static void secret(String secret) {
    if (secret != null && secret.length() >= 8) {
      SECRETS.add(secret);
    }
  }

  public static Set<String> secrets() {
    return Set.copyOf(SECRETS);
  }

  /** Whether this JVM's log went to {@link #dir()} from the start of the run (not in a run of one class by hand). */
  public static boolean started() {
    return started;
  }

  @Override
  public void testPlanExecutionStarted(TestPlan plan) {
    try {
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
