package parley.node.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import parley.node.testkit.ManualNanos;

/**
 * What the search feed's failures say to an operator: a node starting up, whose read journal's first asks time out
 * while its database and cluster come up, logs no WARN; a feed that stays down for half a minute does, saying what
 * it means and what to do.
 */
class SearchFeedTroubleTest {
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(SearchFeed.class);
  private final ManualNanos clock = new ManualNanos();
  private final SearchFeed.Trouble trouble = new SearchFeed.Trouble(Duration.ofSeconds(30), clock);

  private Level level;

  @BeforeEach
  void capture() {
    level = logger.getLevel();
    logger.setLevel(Level.INFO);
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
    logger.setLevel(level);
  }

  private List<Level> levels() {
    return log.list.stream().map(ILoggingEvent::getLevel).toList();
  }

  @Test
  void aStartWhoseFirstAsksTimeOutWarnsOfNothingAndAFeedDownForHalfAMinuteDoes() {
    TimeoutException ask = new TimeoutException("Ask timed out on [journal-sequence-actor] after [1000 ms]");
    trouble.failed(ask);
    clock.advance(Duration.ofMillis(300));
    trouble.failed(ask);
    trouble.moved();
    assertEquals(List.of(Level.INFO, Level.INFO), levels(), "a healthy start");

    log.list.clear();
    for (int second = 0; second <= 32; second += 2) {
      trouble.failed(new IllegalStateException("the database is away"));
      clock.advance(Duration.ofSeconds(2));
    }
    List<Level> levels = levels();
    assertEquals(Level.INFO, levels.get(0));
    assertEquals(Level.WARN, levels.get(levels.size() - 1), "down for over 30 s");
    String warned = log.list.get(levels.size() - 1).getFormattedMessage();
    assertEquals(true, warned.contains("new messages are not searchable meanwhile")
        && warned.contains("check the database"), warned);

    // Up again for a while, then one failure: a new run, told at INFO.
    log.list.clear();
    clock.advance(Duration.ofMinutes(5));
    trouble.failed(new IllegalStateException("a blip"));
    assertEquals(List.of(Level.INFO), levels());
  }
}
