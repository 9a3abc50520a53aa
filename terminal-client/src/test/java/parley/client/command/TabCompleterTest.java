package parley.client.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TabCompleterTest {
  private final TabCompleter completer = new TabCompleter();

  @Test
  void aNickAtTheStartGetsAColonAndTabAgainCyclesRecentSpeakersFirst() {
    List<String> nicks = List.of("bobby", "bob", "carol");
    assertEquals("bobby: ", completer.complete("bo", nicks));
    assertEquals("bob: ", completer.complete("bobby: ", nicks));
    assertEquals("bobby: ", completer.complete("bob: ", nicks));
  }

  @Test
  void aNickInsideTheLineGetsASpace() {
    assertEquals("hi @carol ", completer.complete("hi @ca", List.of("bob", "carol")));
    completer.reset();
    assertEquals("ask carol ", completer.complete("ask Car", List.of("carol")));
  }

  @Test
  void commandsCompleteAtTheStart() {
    assertEquals("/create ", completer.complete("/cr", List.of()));
    completer.reset();
    assertEquals("/nothing", completer.complete("/nothing", List.of()));
  }
}
