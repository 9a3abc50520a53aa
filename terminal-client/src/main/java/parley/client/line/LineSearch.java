package parley.client.line;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import parley.client.core.MessageSearch;
import parley.client.core.RoomState;
import parley.client.core.SafeText;
import parley.client.net.ParleyApi;
import parley.protocol.RoomSummary;
import parley.protocol.SearchResults;

/**
 * {@code --search QUERY}: the messages of the user's rooms that match, newest first, one a line on stdout,
 * tab-separated so a script can cut them apart: room, seq, sender, time (ISO-8601, UTC), text (on one line and
 * harmless to the terminal, as {@code --tail} prints it). Pages are read by the answer's {@code next} up to the limit.
 * On stderr: that nothing matched, that hits were left out past the limit, and which rooms have entries newer than
 * the index holds.
 */
final class LineSearch {
  /** The most hits the server gives a page (docs/protocol.md): a script's long list takes few round trips. */
  static final int PAGE_MAX = 100;

  private final ParleyApi api;
  private final String me;
  private final PrintStream out;
  private final PrintStream err;

  LineSearch(ParleyApi api, String me, PrintStream out, PrintStream err) {
    this.api = api;
    this.me = me;
    this.out = out;
    this.err = err;
  }

  /** Prints the hits, at most {@code limit}; the exit status (0). A refused query fails the call. */
  int print(String query, int limit) throws ExecutionException, InterruptedException {
    Map<String, Long> indexedThrough = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    int printed = 0;
    String before = null;
    List<String> strangers = new ArrayList<>();
    do {
      SearchResults page = api.search(query, Math.min(PAGE_MAX, limit - printed), before).get();
      strangers.addAll(page.strangers());
      page.indexedThrough().forEach((room, seq) -> indexedThrough.merge(room, seq, Math::max));
      for (SearchResults.Hit hit : page.hits()) {
        if (printed == limit) {
          break;
        }
        String room = name(hit.room().id(), hit.room().name(), hit.room().kind());
        names.put(hit.room().id(), room);
        out.println(String.join("\t", room, String.valueOf(hit.seq()),
            hit.sender() == null ? "?" : SafeText.oneLine(hit.sender()),
            hit.sentAt() == null ? "-" : hit.sentAt().toString(), SafeText.oneLine(hit.text())));
        printed++;
      }
      before = page.hits().isEmpty() ? null : page.next();
    } while (before != null && printed < limit);
    out.flush();
    if (printed == 0) {
      // Nothing on stdout is a script's answer; a person at a prompt is told so (the exit status stays 0).
      err.println("parley client: no results for " + SafeText.oneLine(query) + strangers.stream()
          .map(u -> "; " + SafeText.oneLine(u) + " is in none of your rooms").collect(Collectors.joining()));
    }
    if (before != null) {
      err.println("parley client: more hits past these " + printed + ": --limit N prints more");
    }
    if (!indexedThrough.isEmpty()) {
      Map<String, Long> lastSeqs = new HashMap<>();
      for (RoomSummary r : api.me().get().rooms()) {
        lastSeqs.put(r.id(), r.lastSeq());
        names.putIfAbsent(r.id(), name(r.id(), r.name(), r.kind()));
      }
      String behind = MessageSearch.behind(indexedThrough, id -> lastSeqs.getOrDefault(id, 0L),
          id -> names.getOrDefault(id, id));
      if (!behind.isEmpty()) {
        err.println("parley client: " + behind);
      }
    }
    return 0;
  }

  private String name(String id, String name, String kind) {
    return new RoomState(id, name, kind).displayName(me);
  }
}
