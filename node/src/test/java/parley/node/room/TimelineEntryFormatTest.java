package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import parley.node.testkit.EntityTestKit;
import parley.node.testkit.InMemory;

/**
 * Journals and snapshots hold entries in the flat shape of the one record that every kind once shared (a field for
 * each, most of them null, and the kind's name under {@code kind}): each reads as the record of its kind. And an
 * entry is written in that same shape, its kind's name under {@code kind} and no class name.
 */
@InMemory
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimelineEntryFormatTest {
  private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

  private final ActorTestKit kit = ActorTestKit.create(EntityTestKit.config());
  private final Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
  private final ObjectMapper cbor =
      JacksonObjectMapperProvider.get(kit.system().classicSystem()).getOrCreate("jackson-cbor", Optional.empty());

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  /** An entry as the flat record wrote it: its fields, the ones it always wrote null too. */
  private static Map<String, Object> flat(long seq, String kind, String sender, String text, String clientMsgId) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("seq", seq);
    entry.put("kind", kind);
    entry.put("sender", sender);
    entry.put("text", text);
    entry.put("sentAt", AT.toString());
    entry.put("clientMsgId", clientMsgId);
    entry.put("post", "message".equals(kind) || "file".equals(kind));
    return entry;
  }

  private static Map<String, Object> with(Map<String, Object> entry, Object... fields) {
    for (int i = 0; i < fields.length; i += 2) {
      entry.put((String) fields[i], fields[i + 1]);
    }
    return entry;
  }

  private TimelineEntry readAsStored(Map<String, Object> entry) throws Exception {
    byte[] bytes = cbor.writeValueAsBytes(Map.of("entry", entry));
    int id = serialization.findSerializerFor(new ChatRoom.MessagePosted(null)).identifier();
    Object event = serialization.deserialize(bytes, id, ChatRoom.MessagePosted.class.getName()).get();
    return ((ChatRoom.MessagePosted) event).entry();
  }

  @Test
  void everyKindInTheFlatShapeReadsAsItsRecord() throws Exception {
    Map<Map<String, Object>, TimelineEntry> stored = new LinkedHashMap<>();
    stored.put(flat(1, "joined", "alice", null, null), new TimelineEntry.Joined(1, "alice", AT));
    stored.put(with(flat(2, "message", "alice", "hi @bob", "c2"), "mentions", List.of("bob"), "replyTo", 1),
        new TimelineEntry.Message(2, "alice", "hi @bob", AT, "c2", List.of("bob"), 1L));
    stored.put(flat(3, "message", "bob", "written before mentions", "c3"),
        new TimelineEntry.Message(3, "bob", "written before mentions", AT, "c3"));
    stored.put(with(flat(4, "edit", "alice", "hi again", "c4"), "target", 2),
        new TimelineEntry.Edit(4, "alice", "hi again", AT, "c4", 2));
    stored.put(with(flat(5, "reaction", "bob", ":tada:", "c5"), "target", 2, "on", true),
        new TimelineEntry.Reaction(5, "bob", AT, "c5", 2, ":tada:", true));
    stored.put(with(flat(6, "delete", "alice", null, "c6"), "target", 2),
        new TimelineEntry.Delete(6, "alice", AT, "c6", 2));
    stored.put(with(flat(7, "kicked", "alice", "spam", null), "user", "eve"),
        new TimelineEntry.Kicked(7, "alice", AT, "eve", "spam"));
    stored.put(with(flat(8, "banned", "alice", null, null), "user", "eve"),
        new TimelineEntry.Banned(8, "alice", AT, "eve", null));
    stored.put(with(flat(9, "unbanned", "alice", null, null), "user", "eve"),
        new TimelineEntry.Unbanned(9, "alice", AT, "eve", null));
    stored.put(with(flat(10, "role", "alice", null, null), "user", "bob", "role", "admin"),
        new TimelineEntry.Role(10, "alice", AT, "bob", "admin"));
    stored.put(flat(11, "topic", "alice", "plans", null), new TimelineEntry.Topic(11, "alice", AT, "plans"));
    stored.put(flat(12, "renamed", "alice", "general", null), new TimelineEntry.Renamed(12, "alice", AT, "general"));
    stored.put(with(flat(13, "settings", "alice", null, null), "capacity", 20, "passcode", true),
        new TimelineEntry.Settings(13, "alice", AT, 20, true));
    stored.put(with(flat(14, "retention", "alice", null, null), "retention", Map.of("maxMessages", 10)),
        new TimelineEntry.Retention(14, "alice", AT, new RetentionRule(10, null)));
    stored.put(with(flat(15, "trimmed", "alice", null, null), "target", 5),
        new TimelineEntry.Trimmed(15, "alice", AT, 5));
    stored.put(with(flat(16, "file", "bob", "a.png", "c16"), "file",
        Map.of("id", "f1", "name", "a.png", "size", 3, "contentType", "image/png", "sha256", "ab")),
        new TimelineEntry.File(16, "bob", "a.png", AT, "c16", new SharedFile("f1", "a.png", 3, "image/png", "ab")));
    stored.put(flat(17, "left", "bob", null, null), new TimelineEntry.Left(17, "bob", AT));
    stored.put(flat(18, "account_closed", "bob", null, null), new TimelineEntry.AccountClosed(18, "bob", AT));
    stored.put(flat(19, "room_deleted", "alice", null, null), new TimelineEntry.RoomDeleted(19, "alice", AT));
    for (Map.Entry<Map<String, Object>, TimelineEntry> e : stored.entrySet()) {
      assertEquals(e.getValue(), readAsStored(e.getKey()), e.getKey().toString());
    }
  }

  @Test
  void anEntryIsWrittenInTheFlatShapeUnderItsKindsName() throws Exception {
    TimelineEntry reaction = new TimelineEntry.Reaction(5, "bob", AT, "c5", 2, "🎉", false);
    JsonNode written = cbor.readTree(serialization.serialize(new ChatRoom.MessagePosted(reaction)).get()).get("entry");
    assertEquals("reaction", written.get("kind").asText());
    assertEquals("🎉", written.get("text").asText(), "the emoji where the flat record kept it");
    assertEquals(2, written.get("target").asLong());
    assertEquals(reaction, readAsStored(cbor.convertValue(written, Map.class)));
    JsonNode trimmed = cbor.readTree(serialization.serialize(
        new ChatRoom.HistoryTrimmed(new TimelineEntry.Trimmed(9, "alice", AT, 4))).get()).get("entry");
    assertEquals("trimmed", trimmed.get("kind").asText());
    assertEquals(4, trimmed.get("target").asLong(), "the floor where the flat record kept it");
  }
}
