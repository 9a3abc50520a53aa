package parley.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The node's log shows it used: one INFO line a minute with counts, none for a quiet minute, no name in it. */
class ActivityLogTest {
  @Test
  void aMinuteOfUseIsOneLineOfCountsAndAQuietMinuteIsNone() {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(ActivityLog.class);
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    log.start();
    logger.addAppender(log);
    try {
      ActivityLog activity = new ActivityLog();
      activity.signedUp();
      activity.loggedIn(true);
      activity.loggedIn(true);
      activity.loggedIn(false);
      for (var status : List.of(StatusCodes.OK, StatusCodes.CREATED, StatusCodes.UNAUTHORIZED,
          StatusCodes.TOO_MANY_REQUESTS, StatusCodes.SERVICE_UNAVAILABLE)) {
        activity.answered(HttpResponse.create().withStatus(status));
      }
      activity.report(Duration.ofSeconds(60));
      activity.report(Duration.ofSeconds(60));
      assertEquals(1, log.list.size(), "the quiet minute says nothing");
      assertEquals(Level.INFO, log.list.get(0).getLevel());
      assertEquals("In the last 60 s: 1 sign-ups, 2 logins (1 refused), 5 HTTP requests (2 refused with 4xx, "
          + "1 failed with 5xx)", log.list.get(0).getFormattedMessage());
    } finally {
      logger.detachAppender(log);
      logger.setLevel(level);
    }
  }
}
