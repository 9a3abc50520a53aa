package parley.client.command;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tab completion of the word before the caret: command names at the start of a line, else nicks, recent
 * speakers first. Pressing Tab again cycles through the other candidates; any other key ends the cycle
 * ({@link #reset()}). A nick completed at the start of the line gets ": ".
 */
public final class TabCompleter {
  private List<String> candidates = List.of();
  private int index;
  private String prefix;

  /**
   * The line with its last word completed.
   *
   * @param line the input
   * @param nicks candidate nicks, most relevant first (recent speakers, then the other members)
   */
  public String complete(String line, List<String> nicks) {
    if (prefix == null) {
      int start = line.lastIndexOf(' ') + 1;
      String word = line.substring(start);
      prefix = line.substring(0, start);
      candidates = candidatesFor(prefix.isEmpty(), word, nicks);
      index = 0;
    } else if (!candidates.isEmpty()) {
      index = (index + 1) % candidates.size();
    }
    if (candidates.isEmpty()) {
      reset();
      return line;
    }
    String choice = candidates.get(index);
    if (choice.startsWith("/")) {
      return prefix + choice + " ";
    }
    return prefix + choice + (prefix.isEmpty() ? ": " : " ");
  }

  public void reset() {
    prefix = null;
    candidates = List.of();
    index = 0;
  }

  private static List<String> candidatesFor(boolean atStart, String word, List<String> nicks) {
    String lower = word.toLowerCase(Locale.ROOT);
    Set<String> out = new LinkedHashSet<>();
    if (atStart && word.startsWith("/")) {
      for (String[] command : CommandParser.COMMANDS) {
        if (command[0].startsWith(lower)) {
          out.add(command[0]);
        }
      }
      return new ArrayList<>(out);
    }
    String bare = lower.startsWith("@") ? lower.substring(1) : lower;
    for (String nick : nicks) {
      if (nick.toLowerCase(Locale.ROOT).startsWith(bare)) {
        out.add(lower.startsWith("@") ? "@" + nick : nick);
      }
    }
    return new ArrayList<>(out);
  }
}
