package parley.client.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InputHistoryTest {

  @Test
  void upAndDownWalkSentLinesAndComeBackToTheDraft() {
    InputHistory history = new InputHistory();
    history.add("one");
    history.add("two");
    assertEquals("two", history.previous("dra"));
    assertEquals("one", history.previous("two"));
    assertEquals("one", history.previous("one"));
    assertEquals("two", history.next("one"));
    assertEquals("dra", history.next("two"));
    assertEquals("dra", history.next("dra"));
  }
}
