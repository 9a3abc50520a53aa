package parley.client.command;

import java.util.ArrayList;
import java.util.List;

/** Lines sent, recalled with Up / Down like a shell; the line being typed is kept while browsing. */
public final class InputHistory {
  private static final int MAX = 500;

  private final List<String> lines = new ArrayList<>();
  private int position;
  private String draft = "";

  public void add(String line) {
    if (!line.isBlank() && (lines.isEmpty() || !lines.get(lines.size() - 1).equals(line))) {
      lines.add(line);
      if (lines.size() > MAX) {
        lines.remove(0);
      }
    }
    position = lines.size();
    draft = "";
  }

  /** The line before, given what the input holds now; the same text when there is none. */
  public String previous(String current) {
    if (position == lines.size()) {
      draft = current;
    }
    if (position == 0) {
      return current;
    }
    return lines.get(--position);
  }

  /** The line after; past the newest, the draft that was being typed. */
  public String next(String current) {
    if (position >= lines.size()) {
      return current;
    }
    position++;
    return position == lines.size() ? draft : lines.get(position);
  }
}
