package parley.client.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.LinearLayout;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowListenerAdapter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Asks for a room's passcode; Enter gives it, Esc gives up. */
final class PasscodePrompt extends BasicWindow {

  PasscodePrompt(String roomName, Consumer<String> entered) {
    super("Passcode for #" + roomName);
    setHints(List.of(Window.Hint.CENTERED, Window.Hint.MODAL));
    setTheme(ParleyTheme.dialogs());
    TextBox passcode = new TextBox(new TerminalSize(30, 1)).setMask('*');
    Panel panel = new Panel(new LinearLayout());
    panel.addComponent(new Label("This room needs a passcode:"));
    panel.addComponent(passcode);
    setComponent(panel);
    addWindowListener(new WindowListenerAdapter() {
      @Override
      public void onInput(Window window, KeyStroke key, AtomicBoolean deliver) {
        if (key.getKeyType() == KeyType.Escape) {
          deliver.set(false);
          close();
        } else if (key.getKeyType() == KeyType.Enter) {
          deliver.set(false);
          close();
          entered.accept(passcode.getText());
        }
      }
    });
  }
}
