package parley.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {

  @Test
  void keepsSendsInTheOrderMadeUntilDone() {
    Outbox outbox = new Outbox();
    outbox.add("r", "c-1", "one");
    outbox.add("s", "c-2", "two");
    outbox.add("r", "c-3", "three");
    assertEquals(List.of("c-1", "c-2", "c-3"), outbox.items().stream().map(Outbox.Item::clientMsgId).toList());
    assertTrue(outbox.remove("c-2").isPresent());
    assertTrue(outbox.remove("c-2").isEmpty());
    assertEquals(List.of("c-1", "c-3"), outbox.items().stream().map(Outbox.Item::clientMsgId).toList());
  }

  @Test
  void retriesKeepTheClientMsgIdAndCount() {
    Outbox outbox = new Outbox();
    outbox.add("r", "c-1", "one");
    outbox.retried("c-1");
    Outbox.Item item = outbox.retried("c-1").orElseThrow();
    assertEquals("c-1", item.clientMsgId());
    assertEquals(2, item.retries());
  }

  @Test
  void leavingARoomForgetsItsSends() {
    Outbox outbox = new Outbox();
    outbox.add("r", "c-1", "one");
    outbox.add("s", "c-2", "two");
    outbox.dropRoom("r");
    assertEquals(1, outbox.size());
  }
}
