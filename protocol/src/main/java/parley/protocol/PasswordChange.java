package parley.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** v1.1: {@code POST /api/v1/me/password} {@code {"current","new"}}. */
public record PasswordChange(String current, @JsonProperty("new") String newPassword) {}
