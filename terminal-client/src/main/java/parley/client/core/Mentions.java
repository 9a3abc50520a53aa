package parley.client.core;

import java.util.regex.Pattern;

/** Whether a text mentions a user: their name (with or without '@') as a whole word, in any case. */
final class Mentions {
  private final Pattern pattern;

  Mentions(String username) {
    this.pattern = Pattern.compile(
        "(^|[^\\p{Alnum}_.-])@?" + Pattern.quote(username) + "($|[^\\p{Alnum}_-])", Pattern.CASE_INSENSITIVE);
  }

  boolean in(String text) {
    return text != null && pattern.matcher(text).find();
  }
}
