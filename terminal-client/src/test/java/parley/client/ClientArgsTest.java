package parley.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ClientArgsTest {

  @Test
  void lineModeAndServer() {
    ClientArgs send = ClientArgs.parse("--server", "localhost:9000", "--send", "general", "hi there");
    assertEquals(URI.create("http://localhost:9000"), send.server());
    assertEquals("general", send.sendRoom());
    assertEquals("hi there", send.sendText());
    assertTrue(send.lineMode());
    assertEquals("r1", ClientArgs.parse("--tail", "r1").tailRoom());
    assertFalse(ClientArgs.parse().lineMode());
    assertEquals("A".repeat(43), ClientArgs.parse("--invite", "https://chat.example/#signup=" + "A".repeat(43)).invite());
    assertEquals("A".repeat(43), ClientArgs.parse("--invite", "A".repeat(43)).invite());
    assertEquals(null, ClientArgs.parse().server());
  }

  @Test
  void searchTakesAQueryAndALimit() {
    ClientArgs search = ClientArgs.parse("--search", "deploy \"staging server\" from:bob");
    assertTrue(search.lineMode());
    assertEquals("deploy \"staging server\" from:bob", search.searchQuery());
    assertEquals(ClientArgs.SEARCH_LIMIT, search.searchLimit());
    assertEquals(200, ClientArgs.parse("--limit", "200", "--search", "x").searchLimit());
    assertEquals("--limit takes a number of hits from 1 to 1000",
        assertThrows(IllegalArgumentException.class, () -> ClientArgs.parse("--search", "x", "--limit", "0"))
            .getMessage());
    assertEquals("--limit goes with --search",
        assertThrows(IllegalArgumentException.class, () -> ClientArgs.parse("--limit", "5")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClientArgs.parse("--search", " "));
    assertThrows(IllegalArgumentException.class, () -> ClientArgs.parse("--search", "x", "--tail", "general"));
    assertTrue(ClientArgs.USAGE.contains("--search QUERY [--limit N]"));
  }

  @Test
  void mistakesAreExplained() {
    assertThrows(IllegalArgumentException.class, () -> ClientArgs.parse("--send", "room"));
    assertThrows(IllegalArgumentException.class, () -> ClientArgs.parse("--bogus"));
    assertThrows(IllegalArgumentException.class, () -> ClientArgs.parse("--server", "ftp://x"));
    assertThrows(IllegalArgumentException.class, () -> ClientArgs.parse("--send", "a", "b", "--tail", "a"));
  }
}
