package parley.client.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The login / sign-up form on a virtual terminal. */
class LoginWindowTest {
  private final List<String> submitted = new ArrayList<>();
  private ScreenHarness screen;
  private LoginWindow login;

  @BeforeEach
  void setUp() {
    screen = new ScreenHarness(80, 20);
    login = new LoginWindow("http://127.0.0.1:8080", new LoginWindow.Handler() {
      @Override
      public void submit(String username, String password, boolean stay, boolean signUp) {
        submitted.add((signUp ? "signup " : "login ") + username + " " + password + " " + stay);
      }

      @Override
      public void quit() {
        submitted.add("quit");
      }
    });
    screen.gui.addWindow(login);
    screen.pump();
  }

  @AfterEach
  void tearDown() throws Exception {
    screen.close();
  }

  @Test
  void enterInTheFieldsLogsIn() {
    screen.type("Alice");
    screen.press(KeyType.Enter);
    screen.type("correct horse");
    screen.press(KeyType.Enter);
    assertEquals(List.of("login alice correct horse false"), submitted);
    assertTrue(screen.text().contains("Logging in…"), screen.text());
  }

  /** The row of the form that holds {@code field}'s label. */
  private String rowOf(String field) {
    return screen.rows().stream().filter(r -> r.contains(field)).findFirst().orElseThrow();
  }

  @Test
  void theFieldWithTheFocusIsMarkedSoTheNameDoesNotGoIntoThePassword() {
    assertTrue(rowOf("Username").contains("▸ Username"), screen.text());
    assertTrue(rowOf("Password").contains("  Password"), screen.text());
    screen.type("alice");
    screen.press(KeyType.Enter); // no password yet: Enter goes on to it
    assertTrue(rowOf("Password").contains("▸ Password"), screen.text());
    assertTrue(rowOf("Username").contains("  Username alice"), screen.text());
    screen.capture("login-focus");
    screen.press(KeyType.Tab); // the check box: neither field
    assertTrue(screen.rows().stream().noneMatch(r -> r.contains("▸")), screen.text());
    screen.press(KeyType.ReverseTab);
    screen.press(KeyType.ReverseTab);
    assertTrue(rowOf("Username").contains("▸ Username"), screen.text());
  }

  @Test
  void signUpChecksTheServersLimitsFirstAndShowsWhatIsWrong() {
    screen.type("al ice");
    screen.press(KeyType.Tab);
    screen.type("short");
    screen.press(KeyType.Tab); // the check box
    screen.type(" ");
    screen.press(KeyType.Tab); // Log in
    screen.press(KeyType.Tab); // Sign up
    screen.press(KeyType.Enter);
    assertTrue(screen.text().contains("A username is 3 to 32 of a-z 0-9 _ . - (no spaces)."), screen.text());
    assertTrue(submitted.isEmpty());
    screen.capture("login-error");
  }

  @Test
  void theServersAnswerIsShown() {
    screen.type("alice");
    screen.press(KeyType.Enter);
    screen.type("wrong password");
    screen.press(KeyType.Enter);
    login.error("wrong username or password");
    screen.pump();
    assertTrue(screen.text().contains("wrong username or password"), screen.text());
    screen.capture("login");
  }
}
