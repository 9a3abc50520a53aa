package parley.client.core;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import parley.client.net.ApiException;
import parley.client.net.ParleyApi;
import parley.protocol.Admin;

/**
 * A server admin's commands (v1.4): the accounts, turning one off and on, signing one out everywhere, who may sign
 * up, and the audit log. The node refuses them to anyone else ({@code only a server admin may do that}). Runs on the
 * client's thread, like {@link ChatClient}.
 */
public final class AdminCommands {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());
  private final ChatClient client;
  private final ParleyApi api;

  AdminCommands(ChatClient client) {
    this.client = client;
    this.api = client.api();
  }

  public void users() {
    client.fetch(api.adminUsers(), (page, failure) -> {
      if (failure != null) {
        client.notice("Could not list the accounts: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      List<String> lines = new ArrayList<>();
      for (Admin.User u : page.users()) {
        List<String> state = new ArrayList<>();
        if (u.admin()) {
          state.add("admin");
        }
        if (u.deactivated()) {
          state.add("deactivated");
        }
        if (u.closed()) {
          state.add("closed");
        }
        state.add(u.online() ? "online" : u.lastSeen() == null ? "never seen" : "seen " + WHEN.format(u.lastSeen()));
        lines.add(SafeText.clean(u.username()) + " (" + String.join(", ", state) + ")");
      }
      client.notice(page.users().size() + " accounts" + (page.next() == null ? "" : " (the first page)") + ": "
          + String.join("; ", lines), false);
    });
  }

  /** {@code off}: deactivate (their connections end, their logins are refused); else reactivate. */
  public void setDeactivated(String username, boolean off) {
    client.fetch(api.adminSetDeactivated(username, off), (ok, failure) -> client.notice(failure != null
        ? "Not done: " + ApiException.of(failure).getMessage()
        : off ? username + " is deactivated: their connections ended, and they cannot log in until /admin on "
            + username : username + " can log in again.", failure != null));
  }

  public void signOut(String username) {
    client.fetch(api.adminResetSessions(username), (ok, failure) -> client.notice(failure != null
        ? "Not done: " + ApiException.of(failure).getMessage() : username + " is signed out everywhere.",
        failure != null));
  }

  public void signup(String policy) {
    client.fetch(api.adminSetSignup(policy), (settings, failure) -> client.notice(failure != null
        ? "Not done: " + ApiException.of(failure).getMessage()
        : "closed".equals(settings.signup()) ? "Sign-up is closed: admins make the accounts."
            : "invite".equals(settings.signup()) ? "Sign-up takes an invitation now: /admin invite makes one."
            : "Sign-up is open to anyone.", failure != null));
  }

  /** An invitation to sign up, for a server whose sign-up takes one: its link and its code, shown once. */
  public void invite() {
    client.fetch(api.adminMakeInvite(), (made, failure) -> client.notice(failure != null
        ? "No invitation: " + ApiException.of(failure).getMessage()
        : "Invitation to sign up (any number of uses until " + WHEN.format(made.expiresAt()) + "): "
            + api.inviteUrl(made.token()).replace("#invite=", "#signup=") + " — in this client: parley client --invite "
            + made.token(), failure != null));
  }

  public void audit() {
    client.fetch(api.adminAudit(20), (page, failure) -> {
      if (failure != null) {
        client.notice("Could not read the audit log: " + ApiException.of(failure).getMessage(), true);
        return;
      }
      List<String> lines = new ArrayList<>();
      for (Admin.AuditEntry e : page.entries()) {
        lines.add(WHEN.format(e.at()) + " " + SafeText.clean(e.actor()) + " " + e.action()
            + (e.target() == null ? "" : " " + SafeText.clean(e.target()))
            + (e.room() == null ? "" : " in " + e.room())
            + (e.detail() == null ? "" : " (" + SafeText.clean(e.detail()) + ")"));
      }
      client.notice(lines.isEmpty() ? "The audit log is empty." : "Audit log, newest first: " + String.join("; ", lines),
          false);
    });
  }
}
