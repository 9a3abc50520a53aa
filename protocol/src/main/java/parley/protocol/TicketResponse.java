package parley.protocol;

import java.time.Instant;

/** A single-use WebSocket ticket, for clients (browsers) that cannot set an Authorization header on the upgrade. */
public record TicketResponse(String ticket, Instant expiresAt) {}
