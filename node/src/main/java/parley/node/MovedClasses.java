package parley.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads what the journal holds under a class's earlier name. Jackson writes the class name of each event and
 * snapshot beside it, and journals hold events written before the node's classes lived in packages (room, user):
 * an event written as {@code parley.node.ChatRoom$MessagePosted} is read as
 * {@code parley.node.room.ChatRoom$MessagePosted}. Each earlier name is listed in serialization.conf; the data itself
 * is unchanged. (Messages between nodes carry class names too: a cluster is moved across such a change all at once,
 * not node by node.)
 */
public final class MovedClasses extends JacksonMigration {
  private static final Map<String, String> MOVED = Map.of(
      "parley.node.ChatRoom$", "parley.node.room.ChatRoom$",
      "parley.node.RoomDirectory$", "parley.node.room.RoomDirectory$",
      "parley.node.UserAccount$", "parley.node.user.UserAccount$");
  private static final Map<String, String> RENAMED = Map.of(
      "parley.node.ChatRoom$State", "parley.node.room.RoomState",
      "parley.node.ChatRoom$Snapshot", "parley.node.room.RoomState$Snapshot",
      "parley.node.UserAccount$State", "parley.node.user.UserState");

  /** 2: data written before the move carries no version, which reads as 1. */
  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    String renamed = RENAMED.get(className);
    if (renamed != null) {
      return renamed;
    }
    for (Map.Entry<String, String> move : MOVED.entrySet()) {
      if (className.startsWith(move.getKey())) {
        return move.getValue() + className.substring(move.getKey().length());
      }
    }
    return className;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
