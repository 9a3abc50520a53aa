package parley.node.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * {@link EditsAndRepliesTest} again on a node whose rooms keep 5 entries in memory: its edits, deletes, replies and reactions then read what they
 * read from the journal ({@code History.fromJournal}), on H2 and, in CI's second run, PostgreSQL. With the default
 * of 1,000 in memory, no scenario of the suite reaches the journal.
 */
class EditsAndRepliesBeyondMemoryTest extends EditsAndRepliesTest {
  @Override
  protected Config nodeConfig() {
    return ConfigFactory.parseString("parley.room.recent-entries = 5");
  }

  @Override
  boolean beyondMemory() {
    return true;
  }
}
