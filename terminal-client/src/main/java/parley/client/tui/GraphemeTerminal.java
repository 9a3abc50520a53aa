package parley.client.tui;

import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.ansi.UnixLikeTerminal;
import com.googlecode.lanterna.terminal.ansi.UnixTerminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * The terminal the client draws on: Lanterna's Unix terminal, but a cell's text is written whole. Lanterna's screen
 * hands each cell over as a string (a grapheme: 🎉, é as e and its accent, 👩‍💻), and its terminal then encoded it
 * one UTF-16 unit at a time: each half of a surrogate pair alone is no character, so 🎉 reached the terminal as "??".
 */
final class GraphemeTerminal extends UnixTerminal {
  private final Charset charset;

  private GraphemeTerminal(InputStream in, OutputStream out, Charset charset) throws IOException {
    super(in, out, charset, UnixLikeTerminal.CtrlCBehaviour.TRAP);
    this.charset = charset;
  }

  /** The process's own terminal, in {@code charset} (Ctrl+C is a key, not an end). */
  static Terminal open(Charset charset) throws IOException {
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
      return new DefaultTerminalFactory(System.out, System.in, charset).setForceTextTerminal(true)
          .setUnixTerminalCtrlCBehaviour(UnixLikeTerminal.CtrlCBehaviour.TRAP).createTerminal();
    }
    return new GraphemeTerminal(System.in, System.out, charset);
  }

  @Override
  public void putString(String string) throws IOException {
    // What the screen holds was cleaned of control characters (Text.clean); one lone char is Lanterna's to filter.
    if (string.length() == 1) {
      putCharacter(string.charAt(0));
    } else {
      writeToTerminal(string.getBytes(charset));
    }
  }
}
