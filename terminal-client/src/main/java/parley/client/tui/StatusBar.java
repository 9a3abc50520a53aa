package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.AbstractComponent;
import com.googlecode.lanterna.gui2.ComponentRenderer;
import com.googlecode.lanterna.gui2.TextGUIGraphics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import parley.client.core.ChatClient;
import parley.client.net.LinkStatus;

/** The bottom row: who, where, whether connected (and when it tries again if not), the lag, sends still owed. */
final class StatusBar extends AbstractComponent<StatusBar> {
  private static final TextColor TEXT = TextColor.ANSI.WHITE_BRIGHT;

  private final ChatClient client;
  private final String server;
  private final Clock clock;

  StatusBar(ChatClient client, String server, Clock clock) {
    this.client = client;
    this.server = server;
    this.clock = clock;
  }

  @Override
  protected ComponentRenderer<StatusBar> createDefaultRenderer() {
    return new ComponentRenderer<>() {
      @Override
      public TerminalSize getPreferredSize(StatusBar bar) {
        return new TerminalSize(20, 1);
      }

      @Override
      public void drawComponent(TextGUIGraphics g, StatusBar bar) {
        Painter.row(g, 0, 0, spans(), g.getSize().getColumns(), TextColor.ANSI.BLUE, false);
      }
    };
  }

  List<Span> spans() {
    LinkStatus link = client.state().link();
    List<Span> spans = new ArrayList<>();
    spans.add(Span.bold(" " + client.state().me(), TEXT));
    spans.add(Span.of(" · " + server + " · ", TEXT));
    spans.add(connection(link));
    if (link.online() && link.lag() != null) {
      spans.add(Span.of(" · lag " + link.lag().toMillis() + " ms", TEXT));
    }
    if (client.state().notifications() > 0) {
      spans.add(Span.bold(" · " + client.state().notifications() + " unread in /mentions", TextColor.ANSI.YELLOW_BRIGHT));
    }
    client.state().transfer().ifPresent(t -> spans.add(Span.bold(" · " + t.describe(clock.instant()),
        TextColor.ANSI.CYAN_BRIGHT)));
    if (client.owed() > 0) {
      spans.add(Span.bold(" · " + client.owed() + " unsent", TextColor.ANSI.YELLOW_BRIGHT));
    }
    spans.add(Span.of(" · F1 help", TEXT));
    return spans;
  }

  private Span connection(LinkStatus link) {
    switch (link.state()) {
      case ONLINE:
        return Span.bold("● online", TextColor.ANSI.GREEN_BRIGHT);
      case CONNECTING:
      case RECONNECTING:
        String when = link.retryAt() == null ? ""
            : ", retry in " + Math.max(0, Duration.between(clock.instant(), link.retryAt()).toSeconds()) + " s";
        String word = link.state() == LinkStatus.State.CONNECTING ? "○ connecting" : "○ offline: reconnecting";
        return Span.bold(word + when + (link.attempt() > 1 ? " (attempt " + link.attempt() + ")" : ""),
            TextColor.ANSI.RED_BRIGHT);
      case LOGGED_OUT:
        return Span.bold("○ logged out", TextColor.ANSI.RED_BRIGHT);
      default:
        return Span.bold("○ closed", TextColor.ANSI.RED_BRIGHT);
    }
  }
}
