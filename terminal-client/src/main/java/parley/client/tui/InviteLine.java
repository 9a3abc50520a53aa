package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.AbstractComponent;
import com.googlecode.lanterna.gui2.ComponentRenderer;
import com.googlecode.lanterna.gui2.TextGUIGraphics;
import java.util.List;
import parley.client.core.Invitations;

/**
 * The row above the typing line while invitations wait for an answer, saying how to give it; hidden when none
 * do (so it goes as soon as one is answered, on this device or another).
 */
final class InviteLine extends AbstractComponent<InviteLine> {
  private final Invitations invitations;

  InviteLine(Invitations invitations) {
    this.invitations = invitations;
  }

  String text() {
    List<Invitations.Pending> pending = invitations.pending();
    if (pending.isEmpty()) {
      return "";
    }
    if (pending.size() == 1) {
      return "✉ " + pending.get(0).prompt();
    }
    return "✉ " + pending.size() + " invitations, from " + String.join(", ",
        pending.stream().map(p -> p.number() + " " + p.from()).toList()) + " — /invites, /accept n, /decline n";
  }

  /** Shown only while there is something to answer. */
  void refresh() {
    setVisible(!invitations.pending().isEmpty());
    invalidate();
  }

  @Override
  protected ComponentRenderer<InviteLine> createDefaultRenderer() {
    return new ComponentRenderer<>() {
      @Override
      public TerminalSize getPreferredSize(InviteLine line) {
        return new TerminalSize(20, 1);
      }

      @Override
      public void drawComponent(TextGUIGraphics g, InviteLine line) {
        Painter.row(g, 0, 0, List.of(Span.bold(" " + text(), TextColor.ANSI.MAGENTA_BRIGHT)),
            g.getSize().getColumns(), TextColor.ANSI.DEFAULT, false);
      }
    };
  }
}
