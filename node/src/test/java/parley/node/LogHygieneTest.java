package parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import parley.node.testkit.ApiClient;
import parley.node.testkit.Eventually;
import parley.node.testkit.RawHttp;
import parley.node.testkit.TestNode;

/** What the node writes to its log: never a secret, and a bounded amount however often the same thing goes wrong. */
class LogHygieneTest {

  private static ListAppender<ILoggingEvent> capture(String loggerName) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(context);
    appender.start();
    context.getLogger(loggerName).addAppender(appender);
    return appender;
  }

  /** Logs a marker through Pekko's log, as the node's own lines go, and waits for it: whatever came before is in. */
  private static void loggedThrough(TestNode node, ListAppender<ILoggingEvent> log) {
    String marker = "log marker " + UUID.randomUUID();
    node.system.classicSystem().log().warning(marker);
    Eventually.await("the log marker to be written", () -> {
      assertTrue(log.list.stream().anyMatch(e -> marker.equals(e.getFormattedMessage())), "not yet");
      return null;
    });
  }

  private static String text(ILoggingEvent e) {
    return e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage());
  }

  @Test
  void aMalformedAuthorizationHeaderIsRefusedWithoutItsTokenInTheLog() throws Exception {
    ListAppender<ILoggingEvent> log = capture(Logger.ROOT_LOGGER_NAME);
    try (TestNode node = TestNode.start()) {
      ApiClient alice = node.client().newUser("alice");
      String secret = alice.token.substring(0, alice.token.indexOf('.'));
      for (String header : List.of("Bearer " + alice.token + " extra", "Bearer \"" + alice.token + "\"", "Bearer " + alice.token + ",x")) {
        try (var s = RawHttp.connect(node.port, "127.0.0.1")) {
          s.getOutputStream().write(("GET /api/v1/me HTTP/1.1\r\nHost: parley\r\nAuthorization: " + header + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          assertEquals(401, RawHttp.read(s).status());
        }
      }
      // Whatever the node logged meanwhile is in before a marker logged after it (Pekko's own log goes through an
      // actor, in order).
      loggedThrough(node, log);
      List<String> leaked = log.list.stream().map(LogHygieneTest::text).filter(t -> t.contains(secret)).toList();
      assertTrue(leaked.isEmpty(), "the log holds a token: " + leaked);
    } finally {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(log);
    }
  }

  @Test
  void theSameErrorInATightLoopIsLoggedOnceASecondWithACount() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    Throttled t = throttled(now, "parley.test.storm");
    RepeatedLogThrottle throttle = t.throttle();
    ListAppender<ILoggingEvent> log = t.log();
    Logger logger = t.logger();
    Exception cause = new IOException("Too many open files");

    for (int i = 0; i < 100_000; i++) {
      logger.error("Accept error: could not accept new connection", cause);
    }
    logger.warn("something else went wrong once");
    throttle.report(); // within the window: nothing to report yet
    assertEquals(List.of("Accept error: could not accept new connection", "something else went wrong once"),
        messages(log), "the first of a storm, and another message not held back");

    now.addAndGet(TimeUnit.SECONDS.toNanos(1)); // the window ends
    throttle.report();
    List<String> lines = messages(log);
    assertEquals(3, lines.size(), "once a second with a count: " + lines);
    assertTrue(lines.get(2).startsWith("Accept error: could not accept new connection (repeated "), lines.get(2));
    assertEquals("99999", lines.get(2).replaceAll(".*repeated ([^ ]+) times.*", "$1").replaceAll("[^0-9]", ""),
        "every occurrence accounted for: " + lines.get(2));

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    logger.error("Accept error: could not accept new connection", cause);
    assertEquals(4, messages(log).size(), "a new window's first is logged again: " + messages(log));
    logger.getLoggerContext().stop();
  }

  @Test
  void aCheckWhetherWarningsAreOnIsNoWarningAndHoldsNoneBack() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    Throttled t = throttled(now, "org.apache.pekko.cluster.Cluster");
    RepeatedLogThrottle throttle = t.throttle();
    ListAppender<ILoggingEvent> log = t.log();
    Logger logger = t.logger();
    // As Pekko's logging filter does before each event it publishes: is the level on? Then the event.
    for (String warning : List.of("Marking node as UNREACHABLE", "Leader can currently not perform its duties")) {
      assertTrue(logger.isWarnEnabled(), "the check within the window is answered as the level says");
      logger.warn(warning);
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    throttle.report();
    assertEquals(List.of("Marking node as UNREACHABLE", "Leader can currently not perform its duties"), messages(log),
        "both logged, and no 'null (repeated 1 times)' for the checks");
    logger.getLoggerContext().stop();
  }

  private record Throttled(RepeatedLogThrottle throttle, ListAppender<ILoggingEvent> log, Logger logger) {}

  /** A logger context of its own, on the test's time: a window ends when the test says so, whatever the host. */
  private static Throttled throttled(AtomicLong now, String loggerName) {
    LoggerContext context = new LoggerContext();
    RepeatedLogThrottle throttle = new RepeatedLogThrottle(now::get);
    throttle.setContext(context);
    throttle.start();
    context.addTurboFilter(throttle);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.setContext(context);
    log.start();
    Logger logger = context.getLogger(loggerName);
    logger.addAppender(log);
    return new Throttled(throttle, log, logger);
  }

  private static List<String> messages(ListAppender<ILoggingEvent> log) {
    return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void whatAClientGetsWrongIsAnsweredAndNeverLoggedAsAnError() throws Exception {
    ListAppender<ILoggingEvent> log = capture(Logger.ROOT_LOGGER_NAME);
    Path web = Files.createTempDirectory("parley-web");
    Files.writeString(web.resolve("index.html"), "<p>hi</p>");
    try (TestNode node = TestNode.start(ConfigFactory.parseString(
        "parley.web.dir = \"" + web.toString().replace("\\", "/") + "\""))) {
      ApiClient alice = node.client().newUser("alice");
      String room = alice.createRoom("{\"name\":\"oops\"}");
      // A chunked upload whose chunk-size line is not a number, and one with a chunk over Pekko's 1 MiB.
      for (String chunk : List.of("zz\r\nabc\r\n0\r\n\r\n", Integer.toHexString(2 << 20) + "\r\n" + "a".repeat(70_000))) {
        try (var s = RawHttp.connect(node.port, "127.0.0.1")) {
          s.getOutputStream().write(("POST /api/v1/rooms/" + room + "/files?name=c.bin&clientMsgId=c" + chunk.length()
              + " HTTP/1.1\r\nHost: parley\r\nAuthorization: Bearer " + alice.token
              + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk).getBytes(StandardCharsets.US_ASCII));
          RawHttp.Handshake answer = RawHttp.read(s);
          assertEquals(400, answer.status(), answer.body());
          assertTrue(answer.body().contains("invalid_file"), answer.body());
        }
      }
      // A client that drops half way through its upload.
      try (var s = RawHttp.connect(node.port, "127.0.0.1")) {
        s.getOutputStream().write(("POST /api/v1/rooms/" + room + "/files?name=h.bin&clientMsgId=h1 HTTP/1.1\r\n"
            + "Host: parley\r\nAuthorization: Bearer " + alice.token + "\r\nContent-Length: 1000000\r\n\r\n"
            + "x".repeat(10_000)).getBytes(StandardCharsets.US_ASCII));
      }
      // A cursor past the room's end, again and again; a NUL in a static path.
      for (int i = 0; i < 20; i++) {
        assertEquals(409, alice.get("/api/v1/rooms/" + room + "/messages?after=9223372036854775807").status());
      }
      try (var s = RawHttp.connect(node.port, "127.0.0.1")) {
        assertEquals(404, RawHttp.request(s, "/static/%00").status());
      }
      TestProbe<Object> probe = TestProbe.create(node.system);
      probe.awaitAssert(Duration.ofSeconds(10), () -> {
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("could not be read")),
            "the broken bodies are noted, at INFO");
        return null;
      });
      loggedThrough(node, log);
      List<String> errors = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR))
          .map(LogHygieneTest::text).toList();
      assertTrue(errors.isEmpty(), "a client's mistake logged as an error: " + errors);
      List<ILoggingEvent> warnings = log.list.stream()
          .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).toList();
      assertTrue(warnings.stream().noneMatch(e -> e.getFormattedMessage() == null || "null".equals(e.getFormattedMessage())),
          "a warning that says nothing");
      long cursorLines = warnings.stream().filter(e -> e.getFormattedMessage().contains("past its last seq")).count();
      assertTrue(cursorLines >= 1 && cursorLines <= 3, "20 cursors past the end, throttled: " + cursorLines + " lines");
      assertTrue(log.list.stream().filter(e -> e.getFormattedMessage().contains("could not be read"))
          .allMatch(e -> e.getThrowableProxy() == null), "no stack trace for a client's broken body");
    } finally {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(log);
    }
  }
}
