package parley.node.admin;

import java.time.Instant;

/** An account as the server's list has it: when it was made (null: before the list was kept) and if it is turned off. */
public record UserRow(String username, Instant createdAt, Instant deactivatedAt, boolean admin) {}
