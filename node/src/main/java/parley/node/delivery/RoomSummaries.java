package parley.node.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import parley.node.room.ChatRoom;
import parley.protocol.RoomSummary;

/**
 * A user's rooms with unread counts (messages after the read marker, not joins and leaves), for {@code /me} and the WebSocket hello. Every room
 * the user belongs to is listed: one whose node does not answer within the timeout (it is moving, or its node is
 * down and not yet replaced) is listed as unavailable rather than left out, which would tell the client the user
 * left it.
 */
public final class RoomSummaries {
  private RoomSummaries() {}

  public static CompletionStage<List<RoomSummary>> of(
      ClusterSharding sharding, String username, Map<String, Long> readMarkers, Set<String> ignoring,
      Duration timeout) {
    List<CompletableFuture<RoomSummary>> summaries = new ArrayList<>();
    readMarkers.forEach((roomId, readSeq) -> summaries.add(
        sharding.entityRefFor(ChatRoom.ENTITY_KEY, roomId)
            .<ChatRoom.GetResult>ask(replyTo -> new ChatRoom.GetSummary(username, readSeq, ignoring, replyTo), timeout)
            .thenApply(r -> r instanceof ChatRoom.SummaryView v && v.isMember() ? summary(v, readSeq) : null)
            .exceptionally(e -> RoomSummary.unavailable(roomId, readSeq))
            .toCompletableFuture()));
    return CompletableFuture.allOf(summaries.toArray(CompletableFuture[]::new))
        .thenApply(v -> summaries.stream()
            .map(CompletableFuture::join)
            .filter(Objects::nonNull)
            .sorted(Comparator.comparing(RoomSummary::id))
            .toList());
  }

  private static RoomSummary summary(ChatRoom.SummaryView v, long readSeq) {
    // Sending a message moves the sender's marker to it: the room knows each member's last message.
    long read = Math.min(Math.max(readSeq, v.lastSentByUser()), v.lastSeq());
    return new RoomSummary(v.id(), v.name(), v.kind(), v.lastSeq(), read, v.unread(), null, v.mentions());
  }
}
