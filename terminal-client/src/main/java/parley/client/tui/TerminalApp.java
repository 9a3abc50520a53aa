package parley.client.tui;

import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.DefaultWindowManager;
import com.googlecode.lanterna.gui2.EmptySpace;
import com.googlecode.lanterna.gui2.MultiWindowTextGUI;
import com.googlecode.lanterna.gui2.SameTextGUIThread;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import parley.client.ClientConfig;
import parley.client.core.ChatClient;
import parley.client.net.ApiException;
import parley.client.net.Backoff;
import parley.client.net.HttpParleyApi;
import parley.client.net.ParleyApi;
import parley.client.net.WebSocketLink;
import parley.protocol.Credentials;
import parley.protocol.LoginResponse;

/**
 * The full-screen client: the terminal, the GUI thread's loop, the login form, then the chat. The terminal is
 * restored however this ends: on /quit, on Ctrl+C, and on a crash (the exception is printed afterwards).
 */
public final class TerminalApp implements ChatWindow.Host, LoginWindow.Handler {
  private final URI server;
  private final ClientConfig config;
  private final Terminal terminal;
  private final MultiWindowTextGUI gui;
  private final GuiLoop loop;
  private final HttpClient http;
  private final ParleyApi anonymous;
  private final Clock clock = Clock.systemUTC();
  private String invite;
  private LoginWindow login;
  private ChatWindow chat;
  private ChatClient client;
  private ParleyApi authed;
  private boolean stayLoggedIn;

  private TerminalApp(URI server, ClientConfig config, Terminal terminal, Screen screen, ScheduledExecutorService timer) {
    this.server = server;
    this.config = config;
    this.terminal = terminal;
    this.gui = new MultiWindowTextGUI(
        new SameTextGUIThread.Factory(), screen, new DefaultWindowManager(), null, new EmptySpace(TextColor.ANSI.DEFAULT));
    this.gui.setTheme(ParleyTheme.screen());
    this.loop = new GuiLoop(gui.getGUIThread(), timer);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.anonymous = new HttpParleyApi(http, server);
  }

  /** Runs until the user quits; returns the exit status. */
  /** {@code invite}: an admin's invitation, sent with a sign-up (a server that signs up by invitation asks for it). */
  public static int run(URI server, ClientConfig config, String invite) throws IOException {
    // Lanterna's terminal writes in the JVM's default charset; what it cannot encode is shown by its shortcode.
    Charset charset = Charset.defaultCharset();
    Glyphs.useTerminalCharset(charset);
    Terminal terminal = GraphemeTerminal.open(charset);
    Screen screen = new TerminalScreen(terminal);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "parley-timer");
      t.setDaemon(true);
      return t;
    });
    screen.startScreen();
    try {
      TerminalApp app = new TerminalApp(server, config, terminal, screen, timer);
      app.invite = invite;
      app.start();
      app.loop.run();
      return 0;
    } finally {
      timer.shutdownNow();
      screen.stopScreen();
    }
  }

  private void start() {
    loop.every(Duration.ofSeconds(1), () -> {
      if (chat != null) {
        chat.tick();
      }
    });
    var saved = config.savedLogin(server);
    if (saved.isEmpty()) {
      showLogin(null);
      return;
    }
    ParleyApi withToken = anonymous.withToken(saved.get().token());
    withToken.me().whenCompleteAsync((me, failure) -> {
      if (failure == null) {
        openChat(me.username(), saved.get().token(), true);
      } else {
        if (ApiException.of(failure).status() == 401) {
          config.forgetLogin();
          saveQuietly();
        }
        showLogin("Could not resume your saved login: " + ApiException.of(failure).getMessage());
      }
    }, loop);
  }

  private void showLogin(String error) {
    login = new LoginWindow(server.toString(), this);
    gui.addWindow(login);
    if (error != null) {
      login.error(error);
    }
  }

  @Override
  public void submit(String username, String password, boolean stay, boolean signUp) {
    Credentials credentials = new Credentials(username, password);
    CompletableFuture<LoginResponse> attempt = signUp
        ? anonymous.signup(new Credentials(username, password, null, invite))
            .thenCompose(created -> anonymous.login(credentials))
        : anonymous.login(credentials);
    attempt.whenCompleteAsync((response, failure) -> {
      if (failure != null) {
        login.error(ApiException.of(failure).getMessage());
        return;
      }
      if (stay) {
        config.rememberLogin(server, response.username(), response.token());
      } else {
        config.forgetLogin();
      }
      saveQuietly();
      login.close();
      login = null;
      openChat(response.username(), response.token(), stay);
    }, loop);
  }

  private void openChat(String username, String token, boolean stay) {
    this.stayLoggedIn = stay;
    this.authed = anonymous.withToken(token);
    WebSocketLink link = new WebSocketLink(
        http, server, token, loop, Backoff.standard(), WebSocketLink.Settings.standard(), clock);
    client = new ChatClient(username, authed, link, loop, ChatClient.Options.interactive(), clock);
    chat = new ChatWindow(client, server.getAuthority(), clock, ZoneId.systemDefault(), this);
    client.addListener(chat);
    gui.addWindow(chat);
    client.start();
  }

  @Override
  public void quit() {
    if (client != null) {
      client.stop();
    }
    if (authed != null && !stayLoggedIn) {
      authed.logout().orTimeout(2, TimeUnit.SECONDS).whenComplete((ok, e) -> loop.stop());
    } else {
      loop.stop();
    }
  }

  @Override
  public void logout() {
    ParleyApi ending = authed;
    client.stop();
    client = null;
    authed = null;
    chat.close();
    chat = null;
    config.forgetLogin();
    saveQuietly();
    // The token is revoked on the server, so a copy of it (the settings file, a shell history) is worthless now.
    ending.logout().orTimeout(5, TimeUnit.SECONDS).whenCompleteAsync((ok, failure) -> showLogin(
        failure == null ? "You logged out." : "Logged out here, but the server did not confirm it ("
            + ApiException.of(failure).getMessage() + "); the login ends by itself when it expires."), loop);
  }

  @Override
  public void bell() {
    try {
      terminal.bell();
      terminal.flush();
    } catch (IOException ignored) {
      // a bell that cannot ring is no reason to stop
    }
  }

  @Override
  public void loggedOut(String reason) {
    client.stop();
    client = null;
    authed = null;
    chat.close();
    chat = null;
    config.forgetLogin();
    saveQuietly();
    showLogin("logged out".equals(reason) ? "You were logged out. Log in again."
        : "You were logged out (" + reason + "). Log in again.");
  }

  private void saveQuietly() {
    try {
      config.save();
    } catch (IOException e) {
      // the client works without its settings file; it will simply not remember
    }
  }
}
