package parley.client.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.Button;
import com.googlecode.lanterna.gui2.CheckBox;
import com.googlecode.lanterna.gui2.Direction;
import com.googlecode.lanterna.gui2.EmptySpace;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Interactable;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.LinearLayout;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowListenerAdapter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import parley.protocol.Limits;

/**
 * The first screen: log in, or sign up (which logs in too). Enter in a field logs in. Obvious mistakes are caught
 * here with the server's own limits; the server's answers (a taken name, bad credentials) are shown as it words
 * them.
 */
final class LoginWindow extends BasicWindow {

  /** What the form asks for. */
  interface Handler {
    void submit(String username, String password, boolean stayLoggedIn, boolean signUp);

    void quit();
  }

  private final Label usernameLabel = new Label("");
  private final Label passwordLabel = new Label("");
  private final TextBox username = new Field(usernameLabel, "Username");
  private final TextBox password = new Field(passwordLabel, "Password").setMask('*');
  private final CheckBox stay = new CheckBox("Stay logged in (keeps a token in ~/.config/parley)");
  private final Label message = new Label("");
  private final Handler handler;
  private boolean busy;

  LoginWindow(String server, Handler handler) {
    super("Parley");
    this.handler = handler;
    setHints(List.of(Window.Hint.CENTERED));
    setTheme(ParleyTheme.dialogs());
    Panel form = new Panel(new GridLayout(2));
    form.addComponent(new Label("Server"));
    form.addComponent(new Label(server));
    form.addComponent(usernameLabel);
    form.addComponent(username);
    form.addComponent(passwordLabel);
    form.addComponent(password);
    form.addComponent(new EmptySpace());
    form.addComponent(stay);
    Panel buttons = new Panel(new LinearLayout(Direction.HORIZONTAL));
    buttons.addComponent(new Button("Log in", () -> submit(false)));
    buttons.addComponent(new Button("Sign up", () -> submit(true)));
    buttons.addComponent(new Button("Quit", handler::quit));
    Panel root = new Panel(new LinearLayout());
    root.addComponent(new Label("Log in, or pick a name and a password and sign up."));
    root.addComponent(new EmptySpace());
    root.addComponent(form);
    root.addComponent(new EmptySpace());
    root.addComponent(buttons);
    root.addComponent(message);
    setComponent(root);
    setFocusedInteractable(username);
    addWindowListener(new WindowListenerAdapter() {
      @Override
      public void onInput(Window window, KeyStroke key, AtomicBoolean deliver) {
        if (key.getKeyType() == KeyType.Enter && (getFocusedInteractable() == username
            || getFocusedInteractable() == password)) {
          deliver.set(false);
          if (getFocusedInteractable() == username && password.getText().isEmpty()) {
            setFocusedInteractable(password);
          } else {
            submit(false);
          }
        } else if (key.getKeyType() == KeyType.Character && key.isCtrlDown() && key.getCharacter() == 'c') {
          deliver.set(false);
          handler.quit();
        }
      }
    });
  }

  /**
   * A field whose label says when it has the focus ("▸ Password", bold): the cursor alone is easy to miss, and a name
   * typed into the password field is a login that fails for no reason the user can see.
   */
  private static final class Field extends TextBox {
    private final Label label;
    private final String name;

    Field(Label label, String name) {
      super(new TerminalSize(24, 1));
      this.label = label;
      this.name = name;
      mark(false);
    }

    private void mark(boolean focused) {
      label.setText((focused ? "▸ " : "  ") + name);
      label.setForegroundColor(focused ? TextColor.ANSI.YELLOW_BRIGHT : null); // null: the theme's
      if (focused) {
        label.addStyle(SGR.BOLD);
      } else {
        label.removeStyle(SGR.BOLD);
      }
    }

    @Override
    protected void afterEnterFocus(FocusChangeDirection direction, Interactable previouslyInFocus) {
      super.afterEnterFocus(direction, previouslyInFocus);
      mark(true);
    }

    @Override
    protected void afterLeaveFocus(FocusChangeDirection direction, Interactable nextInFocus) {
      super.afterLeaveFocus(direction, nextInFocus);
      mark(false);
    }
  }

  private void submit(boolean signUp) {
    if (busy) {
      return;
    }
    String name = username.getText().strip().toLowerCase(Locale.ROOT);
    String secret = password.getText();
    String problem = check(name, secret, signUp);
    if (problem != null) {
      error(problem);
      return;
    }
    busy = true;
    info(signUp ? "Signing up…" : "Logging in…");
    handler.submit(name, secret, stay.isChecked(), signUp);
  }

  static String check(String name, String secret, boolean signUp) {
    if (name.isEmpty() || secret.isEmpty()) {
      return "Enter a username and a password.";
    }
    if (!signUp) {
      return null;
    }
    if (!name.matches(Limits.USERNAME_PATTERN)) {
      return "A username is " + Limits.USERNAME_MIN + " to " + Limits.USERNAME_MAX
          + " of a-z 0-9 _ . - (no spaces).";
    }
    if (secret.length() < Limits.PASSWORD_MIN_CHARS) {
      return "A password needs at least " + Limits.PASSWORD_MIN_CHARS + " characters.";
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length > Limits.PASSWORD_MAX_UTF8_BYTES) {
      return "A password can be at most " + Limits.PASSWORD_MAX_UTF8_BYTES + " bytes long.";
    }
    return null;
  }

  /** The attempt failed: say why and let the user try again. */
  void error(String text) {
    busy = false;
    message.setForegroundColor(TextColor.ANSI.RED_BRIGHT);
    message.setText(text);
  }

  private void info(String text) {
    message.setForegroundColor(TextColor.ANSI.DEFAULT);
    message.setText(text);
  }
}
