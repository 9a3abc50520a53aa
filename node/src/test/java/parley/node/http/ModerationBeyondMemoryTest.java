package parley.node.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * {@link ModerationTest} again on a node whose rooms keep 5 entries in memory: its retention and moderation then read what they
 * read from the journal ({@code History.fromJournal}), on H2 and, in CI's second run, PostgreSQL. With the default
 * of 1,000 in memory, no scenario of the suite reaches the journal.
 */
class ModerationBeyondMemoryTest extends ModerationTest {
  @Override
  protected Config nodeConfig() {
    return ConfigFactory.parseString("parley.room.recent-entries = 5");
  }
}
