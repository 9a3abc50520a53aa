package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.AbstractComponent;
import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.ComponentRenderer;
import com.googlecode.lanterna.gui2.TextGUIGraphics;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowListenerAdapter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import parley.client.core.RoomState;
import parley.client.core.SafeText;
import parley.protocol.SearchResults;

/**
 * {@code /search}: the hits of a query, newest first, each on two rows: where and who (room, seq, sender, time), then
 * its text with the matched words marked. A line above them says how complete the answer is (which rooms have newer
 * entries than the index holds). Up and Down choose, PgUp and PgDn by a screen; going down past the last hit reads
 * the next page (the answer's {@code next}); Enter opens the room at the message; Esc closes. Runs on the GUI thread,
 * where the pages arrive too.
 */
final class SearchWindow extends BasicWindow {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("MMM d HH:mm");
  private static final TextColor DIM = TextColor.ANSI.BLACK_BRIGHT;
  private static final List<String> SYNTAX = List.of(
      "Every word must match, in any of its forms (deploy finds deployed), case and accents aside.",
      "\"a phrase\" matches as written; -word leaves out; prefix* matches the start of words.",
      "from:bob  in:general  in:@bob  has:file  has:link  is:mention",
      "after:2026-10-01  before:2026-11-01  (whole days in UTC, the days named included)");

  private final String query;
  private final String me;
  private final ZoneId zone;
  /** The page after the one whose {@code next} it is given. */
  private final Function<String, CompletableFuture<SearchResults>> more;
  /** How complete the answer is, for the line above the hits ("" when every room is searched to its newest entry). */
  private final Function<Map<String, Long>, String> behind;
  private final BiConsumer<SearchResults.Hit, Window> open;
  /** Whom from: named who is in none of the user's rooms (the server says so when nothing matched). */
  private final List<String> strangers = new ArrayList<>();
  private final List<SearchResults.Hit> hits = new ArrayList<>();
  private final Map<String, Long> indexedThrough = new HashMap<>();
  private String next;
  private boolean loading;
  private int selected;
  private int top;
  private int shown = 1;
  private final Body body = new Body();

  SearchWindow(String query, SearchResults first, String me, ZoneId zone,
      Function<String, CompletableFuture<SearchResults>> more, Function<Map<String, Long>, String> behind,
      BiConsumer<SearchResults.Hit, Window> open) {
    super("Search: ↑↓ choose, Enter opens, Esc closes");
    this.query = query;
    this.me = me;
    this.zone = zone;
    this.more = more;
    this.behind = behind;
    this.open = open;
    setHints(List.of(Window.Hint.EXPANDED, Window.Hint.MODAL));
    setTheme(ParleyTheme.dialogs());
    setComponent(body);
    took(first);
    addWindowListener(new WindowListenerAdapter() {
      @Override
      public void onInput(Window window, KeyStroke key, AtomicBoolean deliver) {
        deliver.set(false);
        key(key.getKeyType());
      }
    });
  }

  private void took(SearchResults page) {
    hits.addAll(page.hits());
    strangers.addAll(page.strangers());
    page.indexedThrough().forEach((room, seq) -> indexedThrough.merge(room, seq, Math::max));
    next = page.next();
    body.invalidate();
  }

  private void key(KeyType key) {
    switch (key) {
      case Escape -> close();
      case Enter -> {
        if (selected < hits.size()) {
          open.accept(hits.get(selected), this);
        }
      }
      case ArrowUp -> select(selected - 1);
      case ArrowDown -> select(selected + 1);
      case PageUp -> select(selected - shown);
      case PageDown -> select(selected + shown);
      case Home -> select(0);
      case End -> select(hits.size() - 1);
      default -> { }
    }
  }

  /** Move the choice to {@code index}; past the last hit, the next page is read and the choice goes on into it. */
  private void select(int index) {
    if (index >= hits.size() && next != null && !loading) {
      loading = true;
      more.apply(next).whenComplete((page, failure) -> {
        loading = false;
        if (page != null) {
          took(page);
          if (!page.hits().isEmpty()) {
            select(index);
          }
        }
        body.invalidate();
      });
    }
    selected = Math.max(0, Math.min(index, hits.size() - 1));
    body.invalidate();
  }

  /** The hit's first row: where it was said and by whom, when. */
  private List<Span> where(SearchResults.Hit hit) {
    String room = new RoomState(hit.room().id(), hit.room().name(), hit.room().kind()).displayName(me);
    String when = hit.sentAt() == null ? "" : WHEN.format(hit.sentAt().atZone(zone));
    String sender = hit.sender() == null ? "?" : SafeText.oneLine(hit.sender());
    return List.of(Span.plain(" "), Span.bold(Text.clean(room), TextColor.ANSI.DEFAULT),
        Span.of(" · #" + hit.seq() + " · ", DIM), Span.bold(sender, NickColors.of(sender)), Span.of(" · " + when, DIM));
  }

  private List<Span> text(SearchResults.Hit hit, int width) {
    List<Span> row = new ArrayList<>(List.of(Span.plain("   ")));
    row.addAll(Highlights.excerpt(Highlights.pieces(hit.text(), hit.highlights(), TextColor.ANSI.DEFAULT), width - 4));
    return row;
  }

  private List<Span> summary() {
    String count = hits.size() + (next != null ? "+" : "") + (hits.size() == 1 ? " hit" : " hits");
    String complete = behind.apply(indexedThrough);
    return List.of(Span.plain(" " + count + " for "), Span.bold(Text.clean(SafeText.oneLine(query)), Highlights.MARK),
        complete.isEmpty() ? Span.of(" · every room searched up to its newest entry", DIM)
            : Span.of(" · " + complete, TextColor.ANSI.RED_BRIGHT));
  }

  private List<Span> footer() {
    if (loading) {
      return List.of(Span.of(" … reading more", DIM));
    }
    return List.of(Span.of(next != null ? " ↓ more: Down past the last reads them" : " ── end of the hits ──", DIM));
  }

  /** The rows: the summary, two per hit in view, the footer. */
  private final class Body extends AbstractComponent<Body> {
    @Override
    protected ComponentRenderer<Body> createDefaultRenderer() {
      return new ComponentRenderer<>() {
        @Override
        public TerminalSize getPreferredSize(Body b) {
          return new TerminalSize(60, 10);
        }

        @Override
        public void drawComponent(TextGUIGraphics g, Body b) {
          paint(g);
        }
      };
    }

    private void paint(TextGUIGraphics g) {
      int width = g.getSize().getColumns();
      int height = g.getSize().getRows();
      List<List<Span>> rows = new ArrayList<>();
      List<Boolean> chosen = new ArrayList<>();
      rows.add(summary());
      chosen.add(false);
      if (hits.isEmpty()) {
        rows.add(List.of());
        rows.add(List.of(Span.plain(" Nothing found.")));
        strangers.forEach(u -> rows.add(List.of(Span.plain(" " + SafeText.oneLine(u) + " is in none of your rooms."))));
        SYNTAX.forEach(line -> rows.add(List.of(Span.of(" " + line, DIM))));
      } else {
        shown = Math.max(1, (height - 2) / 2);
        top = Math.min(Math.max(top, selected - shown + 1), selected);
        for (int i = top; i < Math.min(hits.size(), top + shown); i++) {
          rows.add(where(hits.get(i)));
          rows.add(text(hits.get(i), width));
          chosen.add(i == selected);
          chosen.add(i == selected);
        }
      }
      while (rows.size() < height - 1) {
        rows.add(List.of());
      }
      rows.add(footer());
      for (int y = 0; y < Math.min(height, rows.size()); y++) {
        boolean reverse = y < chosen.size() && chosen.get(y);
        Painter.row(g, 0, y, rows.get(y), width, TextColor.ANSI.DEFAULT, reverse);
      }
    }
  }
}
