package parley.protocol;

import java.time.Instant;
import java.util.List;

/**
 * v1.4: a member's report of a message. {@code sender} wrote the message, {@code reporter} reported it (shown to the
 * room's owner and admins only; the sender is never told). {@code resolvedAt}, {@code resolvedBy} and {@code outcome}
 * ({@code dismissed}, {@code deleted}, {@code kicked}, {@code banned}) are null while it is open. {@code message}: the
 * entry as the room has it now, in the queue (null in the reporter's answer).
 */
public record ReportView(String id, String roomId, long seq, String sender, String reporter, String reason,
    Instant createdAt, Instant resolvedAt, String resolvedBy, String outcome, Message message) {
  public ReportView {
    createdAt = Json.millis(createdAt);
    resolvedAt = resolvedAt == null ? null : Json.millis(resolvedAt);
  }

  /** {@code GET /api/v1/rooms/{id}/reports}: the open reports, oldest first, each with its message. */
  public record Queue(List<ReportView> reports) {
    public Queue {
      reports = List.copyOf(reports);
    }
  }
}
