package parley.protocol;

/** 201 reply to a sign-up: the canonical (lower-cased) username. */
public record SignupResponse(String username) {}
