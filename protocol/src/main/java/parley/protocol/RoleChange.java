package parley.protocol;

/** v1.1: {@code POST /api/v1/rooms/{id}/roles}: {@code role} is {@code admin}, {@code member} or {@code owner}. */
public record RoleChange(String username, String role) {}
