package parley.client.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import parley.protocol.SessionList;

/** {@code /sessions} as lines: the user's logins, this one marked, then those the account's limit ended. */
final class SessionLines {
  private SessionLines() {}

  static List<String> of(SessionList list) {
    List<String> lines = new ArrayList<>();
    lines.add(list.sessions().size() + (list.sessions().size() == 1 ? " login:" : " logins, most recent first:"));
    for (SessionList.Item s : list.sessions()) {
      lines.add(String.format("%s %s  %s  from %s, last used %s", s.id(), s.current() ? "(this one)" : "          ",
          device(s.userAgent()), s.address() == null ? "?" : s.address(), when(s.lastUsed())));
    }
    if (!list.ended().isEmpty()) {
      // The server ends the least recently used login when one more would pass the limit, and tells nobody else.
      lines.add("Ended because an account keeps at most " + list.limit() + " logins (a newer one came), newest first:");
      for (SessionList.Ended s : list.ended()) {
        lines.add(String.format("%s ended %s  %s  from %s, last used %s%s", s.id(), when(s.endedAt()),
            device(s.userAgent()), s.address() == null ? "?" : s.address(), when(s.lastUsed()),
            s.reason() == null || "session_limit".equals(s.reason()) ? "" : " (" + SafeText.oneLine(s.reason()) + ")"));
      }
    }
    return lines;
  }

  private static String device(String userAgent) {
    return userAgent == null ? "unknown client" : SafeText.oneLine(userAgent);
  }

  private static String when(Instant at) {
    return at == null ? "?" : at.toString();
  }
}
