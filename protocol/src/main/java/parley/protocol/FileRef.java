package parley.protocol;

/**
 * v1.1: a file shared in a room, as its {@code file} entry carries it. {@code id} names it for
 * {@code GET /api/v1/files/{id}}; {@code sha256} is the hex digest of its bytes (also its ETag); {@code size} in bytes.
 */
public record FileRef(String id, String name, long size, String contentType, String sha256) {}
