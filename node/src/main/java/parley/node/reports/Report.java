package parley.node.reports;

import java.time.Instant;

/**
 * One member's report of one message.
 *
 * @param sender who wrote the reported message
 * @param outcome how it was resolved ({@code dismissed}, {@code deleted}, {@code kicked}, {@code banned}); null while open
 */
public record Report(String id, String roomId, long seq, String sender, String reporter, String reason,
    Instant createdAt, Instant resolvedAt, String resolvedBy, String outcome) {}
