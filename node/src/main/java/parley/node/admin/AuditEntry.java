package parley.node.admin;

import java.time.Instant;

/**
 * One admin or moderation act: who ({@code actor}) did what ({@code action}) to whom ({@code target}, a user, or null)
 * in which room ({@code roomId}, or null), when, from which address, and what else it said ({@code detail}).
 */
public record AuditEntry(long id, Instant at, String actor, String action, String target, String roomId, String detail,
    String address) {}
