package parley.client.tui;

import com.googlecode.lanterna.TextColor;

/** A run of text in one colour, bold or not: what screen rows are made of. */
record Span(String text, TextColor color, boolean bold) {

  static Span plain(String text) {
    return new Span(text, TextColor.ANSI.DEFAULT, false);
  }

  static Span of(String text, TextColor color) {
    return new Span(text, color, false);
  }

  static Span bold(String text, TextColor color) {
    return new Span(text, color, true);
  }
}
