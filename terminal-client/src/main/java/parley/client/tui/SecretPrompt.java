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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Asks for secrets in masked fields (a room's passcode, /password, /closeaccount): Tab or Enter goes to the
 * next field, Enter in the last gives them all, Esc gives up. What is typed here is never shown, nor kept in the
 * input history.
 */
final class SecretPrompt extends BasicWindow {

  /** The first {@code masked} fields are masked, the others (a confirmation word) shown. */
  SecretPrompt(String title, String explanation, List<String> labels, int masked, Consumer<List<String>> entered) {
    super(title);
    setHints(List.of(Window.Hint.CENTERED, Window.Hint.MODAL));
    setTheme(ParleyTheme.dialogs());
    Panel panel = new Panel(new LinearLayout());
    panel.addComponent(new Label(explanation));
    List<TextBox> fields = new ArrayList<>();
    for (String label : labels) {
      panel.addComponent(new Label(label));
      TextBox field = new TextBox(new TerminalSize(30, 1));
      if (fields.size() < masked) {
        field.setMask('*');
      }
      fields.add(field);
      panel.addComponent(field);
    }
    setComponent(panel);
    addWindowListener(new WindowListenerAdapter() {
      @Override
      public void onInput(Window window, KeyStroke key, AtomicBoolean deliver) {
        if (key.getKeyType() == KeyType.Escape) {
          deliver.set(false);
          close();
        } else if (key.getKeyType() == KeyType.Enter) {
          deliver.set(false);
          int at = fields.indexOf(getFocusedInteractable());
          if (at >= 0 && at < fields.size() - 1) {
            setFocusedInteractable(fields.get(at + 1));
            return;
          }
          close();
          entered.accept(fields.stream().map(TextBox::getText).toList());
        }
      }
    });
  }
}
