package parley.client.core;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.Predicate;
import parley.protocol.Message;
import parley.protocol.Shortcodes;

/**
 * Who reacted with what to each message of a room: from history's counts, then the reaction entries. Each
 * reaction is kept under its one canonical form, the emoji itself, so that {@code :tada:} from an older
 * server and 🎉 count as one; a shortcode outside the table stays as it came.
 */
final class Reactions {
  private final Map<Long, Map<String, LinkedHashSet<String>>> bySeq = new HashMap<>();
  /** The newest reaction entry applied per message, so a page read again does not undo a later one. */
  private final Map<Long, Long> asOf = new HashMap<>();

  /** An entry seen (live or from a page): a reaction entry toggles one, a message read from history brings its own. */
  void apply(Message m) {
    if (Message.KIND_REACTION.equals(m.kind()) && m.target() != null && m.emoji() != null
        && m.seq() > asOf.getOrDefault(m.target(), 0L)) {
      asOf.put(m.target(), m.seq());
      LinkedHashSet<String> who = bySeq.computeIfAbsent(m.target(), t -> new LinkedHashMap<>())
          .computeIfAbsent(canonical(m.emoji()), e -> new LinkedHashSet<>());
      if (Boolean.TRUE.equals(m.on())) {
        who.add(m.sender());
      } else {
        who.remove(m.sender());
      }
    } else if (!m.reactions().isEmpty() && !asOf.containsKey(m.seq())) {
      Map<String, LinkedHashSet<String>> counted = new LinkedHashMap<>();
      m.reactions().forEach((emoji, users) ->
          counted.computeIfAbsent(canonical(emoji), e -> new LinkedHashSet<>()).addAll(users));
      bySeq.put(m.seq(), counted);
    }
  }

  /**
   * Each reaction on the message at {@code seq} with how many put it there, in the order they came; empty if none.
   * Those of {@code ignored} (whom the user blocks) count for nothing.
   */
  Map<String, Integer> of(long seq, Predicate<String> ignored) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    bySeq.getOrDefault(seq, Map.of()).forEach((emoji, who) -> {
      int n = (int) who.stream().filter(ignored.negate()).count();
      if (n > 0) {
        counts.put(emoji, n);
      }
    });
    return counts;
  }

  static String canonical(String emoji) {
    String canonical = Shortcodes.canonical(emoji);
    return canonical == null ? emoji : canonical;
  }
}
