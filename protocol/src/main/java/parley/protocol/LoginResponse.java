package parley.protocol;

import java.time.Instant;

/** 200 reply to a login: a bearer token, shown once; the node keeps only its hash. */
public record LoginResponse(String token, String username, Instant expiresAt) {}
