package parley.protocol;

/** v1.1: {@code DELETE /api/v1/me} {@code {"password"}}: close the account, given its password. */
public record AccountClosure(String password) {}
