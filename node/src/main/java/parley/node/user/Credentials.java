package parley.node.user;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import parley.node.Secrets;
import parley.node.user.UserAccount.Accepted;
import parley.node.user.UserAccount.AdmitSocket;
import parley.node.user.UserAccount.Authenticate;
import parley.node.user.UserAccount.Authenticated;
import parley.node.user.UserAccount.ChangePassword;
import parley.node.user.UserAccount.CheckLogin;
import parley.node.user.UserAccount.Command;
import parley.node.user.UserAccount.DeviceSession;
import parley.node.user.UserAccount.Done;
import parley.node.user.UserAccount.Event;
import parley.node.user.UserAccount.GetPasswordHash;
import parley.node.user.UserAccount.IssueTicket;
import parley.node.user.UserAccount.IssueToken;
import parley.node.user.UserAccount.ListSessions;
import parley.node.user.UserAccount.LoginCheck;
import parley.node.user.UserAccount.PasswordChanged;
import parley.node.user.UserAccount.PasswordHash;
import parley.node.user.UserAccount.RedeemTicket;
import parley.node.user.UserAccount.Register;
import parley.node.user.UserAccount.Registered;
import parley.node.user.UserAccount.Rejected;
import parley.node.user.UserAccount.Result;
import parley.node.user.UserAccount.RevokeSession;
import parley.node.user.UserAccount.RevokeToken;
import parley.node.user.UserAccount.SessionsView;
import parley.node.user.UserAccount.TokenEvicted;
import parley.node.user.UserAccount.TokenIssued;
import parley.node.user.UserAccount.TokenRevoked;
import parley.node.user.UserAccount.TokenUsed;

/**
 * The account's credentials: the password hash, login tokens (stored as hashes, with expiry, sliding with use,
 * listed as devices and revocable), and single-use tickets for WebSockets and downloads (soft: they live seconds).
 * A token that dies takes its tickets and its sessions with it.
 */
final class Credentials {
  /** A token's use is stored (TokenUsed: last used, and its lifetime slid) at most this often. */
  static final Duration TOUCH_EVERY = Duration.ofHours(1);

  private final UserScope scope;
  private final UserSessions sessions;
  private final UserRates rates;
  /** Soft: WebSocket tickets by hash: the token they were issued under, and their expiry. */
  private final Map<String, Map.Entry<String, Instant>> tickets = new HashMap<>();
  /** Soft: when each token was last let in (stored at most once per TOUCH_EVERY; this is the exact time). */
  private final Map<String, Instant> usedAt = new HashMap<>();

  Credentials(UserScope scope, UserSessions sessions, UserRates rates) {
    this.scope = scope;
    this.sessions = sessions;
    this.rates = rates;
  }

  void addTo(CommandHandlerWithReplyBuilderByState<Command, Event, UserState, UserState> handler) {
    handler
        .onCommand(Register.class, this::onRegister)
        .onCommand(GetPasswordHash.class, (s, c) -> scope.effect().reply(c.replyTo(), new PasswordHash(s.passwordHash())))
        .onCommand(CheckLogin.class, this::onCheckLogin)
        .onCommand(IssueToken.class, this::onIssueToken)
        .onCommand(Authenticate.class, this::onAuthenticate)
        .onCommand(AdmitSocket.class, (s, c) ->
            replyTouching(s, c.tokenHash(), c.replyTo(), sessions.admit(s, c.tokenHash())))
        .onCommand(ChangePassword.class, this::onChangePassword)
        .onCommand(ListSessions.class, (s, c) -> scope.effect().reply(c.replyTo(),
            sessionsView(s, c.currentTokenHash())))
        .onCommand(RevokeSession.class, this::onRevokeSession)
        .onCommand(RevokeToken.class, this::onRevokeToken)
        .onCommand(UserAccount.EndAllSessions.class, this::onEndAllSessions)
        .onCommand(IssueTicket.class, this::onIssueTicket)
        .onCommand(RedeemTicket.class, this::onRedeemTicket);
  }

  private ReplyEffect<Event, UserState> onRegister(UserState state, Register cmd) {
    if (state.nameTaken()) {
      return scope.effect().reply(cmd.replyTo(), new Rejected("username_taken", "that username is taken"));
    }
    return scope.effect().persist(new Registered(cmd.passwordHash(), scope.now()))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onCheckLogin(UserState state, CheckLogin cmd) {
    long wait = rates.loginWait(cmd.addressClean());
    // A closed account has no password to match: its login fails as an unknown user's does.
    return scope.effect().reply(cmd.replyTo(),
        new LoginCheck(wait == 0 && state.exists() ? state.passwordHash() : null, wait));
  }

  private ReplyEffect<Event, UserState> onIssueToken(UserState state, IssueToken cmd) {
    if (!state.exists()) {
      return scope.effect().reply(cmd.replyTo(), UserScope.unauthorized());
    }
    Instant now = scope.now();
    List<Event> events = new ArrayList<>();
    int max = scope.settings().limits().maxSessions();
    List<String> live = state.tokens().entrySet().stream().filter(t -> t.getValue().isAfter(now))
        .map(Map.Entry::getKey).sorted(Comparator.comparing(t -> lastUse(state, t))).toList();
    // One login more than the limit ends the least recently used session, so one account never piles up tokens.
    for (int i = 0; i <= live.size() - max; i++) {
      events.add(new TokenEvicted(live.get(i), now, lastUse(state, live.get(i))));
    }
    events.add(new TokenIssued(cmd.tokenHash(), cmd.expiresAt(), now, cmd.address(), cmd.userAgent()));
    return scope.effect()
        .persist(events)
        .thenRun(s -> tokensEnded(s, "signed out: this account has " + max + " sessions, the limit"))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  /** When a token was last let in, as exactly as known (EPOCH for one never used since it was stored unknown). */
  private Instant lastUse(UserState state, String tokenHash) {
    Instant used = usedAt.get(tokenHash);
    if (used != null) {
      return used;
    }
    UserState.TokenInfo info = state.tokenInfo().get(tokenHash);
    return info == null || info.lastUsed() == null ? Instant.EPOCH : info.lastUsed();
  }

  private ReplyEffect<Event, UserState> onAuthenticate(UserState state, Authenticate cmd) {
    if (!state.tokenValid(cmd.tokenHash(), scope.now())) {
      return scope.effect().reply(cmd.replyTo(), UserScope.unauthorized());
    }
    return replyTouching(state, cmd.tokenHash(), cmd.replyTo(), new Authenticated(scope.username(), cmd.tokenHash()));
  }

  /**
   * Replies {@code result}; when it lets a token in, that is a use of the token: its lifetime slides from now (the
   * token's own lifetime, from its last stored use to its expiry), stored at most once per {@link #TOUCH_EVERY}.
   */
  <R> ReplyEffect<Event, UserState> replyTouching(UserState state, String tokenHash, ActorRef<R> replyTo, R result) {
    Instant now = scope.now();
    if (result instanceof Authenticated || result instanceof Accepted) {
      usedAt.put(tokenHash, now);
      Instant expiry = state.tokens().get(tokenHash);
      UserState.TokenInfo info = state.tokenInfo().get(tokenHash);
      Instant stored = info == null ? null : info.lastUsed();
      if (expiry != null && (stored == null || !stored.plus(TOUCH_EVERY).isAfter(now))) {
        Duration life = stored == null ? scope.settings().tokenTtl() : Duration.between(stored, expiry);
        return scope.effect().persist(new TokenUsed(tokenHash, now, now.plus(life))).thenReply(replyTo, s -> result);
      }
    }
    return scope.effect().reply(replyTo, result);
  }

  private ReplyEffect<Event, UserState> onChangePassword(UserState state, ChangePassword cmd) {
    if (!state.tokenValid(cmd.keptTokenHash(), scope.now())) {
      return scope.effect().reply(cmd.replyTo(), UserScope.unauthorized());
    }
    return scope.effect().persist(new PasswordChanged(cmd.passwordHash(), cmd.keptTokenHash(), scope.now()))
        .thenRun(s -> tokensEnded(s, "password changed"))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  /** Tickets and sessions of tokens no longer valid (revoked, or dropped by a password change) end. */
  void tokensEnded(UserState state, String why) {
    tickets.values().removeIf(t -> !state.tokens().containsKey(t.getKey()));
    usedAt.keySet().retainAll(state.tokens().keySet());
    sessions.signOutWithout(state, why);
  }

  /** Every ticket goes (the account is closed). */
  void dropTickets() {
    tickets.clear();
  }

  /** The public id of a token: derived from its hash, and no use to anyone who has it. */
  static String sessionId(String tokenHash) {
    return Secrets.sha256("session:" + tokenHash).substring(0, 16);
  }

  private SessionsView sessionsView(UserState state, String current) {
    Instant now = scope.now();
    List<DeviceSession> list = new ArrayList<>();
    state.tokens().forEach((hash, expiry) -> {
      if (expiry.isAfter(now)) {
        UserState.TokenInfo info = state.tokenInfo().get(hash);
        Instant used = usedAt.getOrDefault(hash, info == null ? null : info.lastUsed());
        list.add(new DeviceSession(sessionId(hash), info == null ? null : info.created(), used,
            info == null ? null : info.address(), info == null ? null : info.userAgent(), hash.equals(current), expiry));
      }
    });
    list.sort(Comparator.comparing(DeviceSession::lastUsed, Comparator.nullsFirst(
        Comparator.<Instant>naturalOrder())).reversed());
    return new SessionsView(List.copyOf(list), scope.settings().limits().maxSessions(), state.ended());
  }

  private ReplyEffect<Event, UserState> onRevokeSession(UserState state, RevokeSession cmd) {
    for (String hash : state.tokens().keySet()) {
      if (sessionId(hash).equals(cmd.id())) {
        return scope.effect().persist(new TokenRevoked(hash))
            .thenRun(s -> tokensEnded(s, "logged out"))
            .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
      }
    }
    return scope.effect().reply(cmd.replyTo(), new Rejected("no_such_session", "you have no session with that id"));
  }

  private ReplyEffect<Event, UserState> onEndAllSessions(UserState state, UserAccount.EndAllSessions cmd) {
    List<Event> revoked = new ArrayList<>();
    state.tokens().keySet().forEach(hash -> revoked.add(new TokenRevoked(hash)));
    return scope.effect().persist(revoked)
        .thenRun(s -> tokensEnded(s, cmd.why()))
        .thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onRevokeToken(UserState state, RevokeToken cmd) {
    tickets.values().removeIf(t -> t.getKey().equals(cmd.tokenHash()));
    sessions.signOut(cmd.tokenHash(), "logged out");
    if (!state.tokens().containsKey(cmd.tokenHash())) {
      return scope.effect().reply(cmd.replyTo(), Done.INSTANCE);
    }
    return scope.effect().persist(new TokenRevoked(cmd.tokenHash())).thenReply(cmd.replyTo(), s -> Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onIssueTicket(UserState state, IssueTicket cmd) {
    if (!state.tokenValid(cmd.tokenHash(), scope.now())) {
      return scope.effect().reply(cmd.replyTo(), UserScope.unauthorized());
    }
    Result allowed = rates.takeTicket(cmd.tokenHash());
    if (allowed != Done.INSTANCE) {
      return scope.effect().reply(cmd.replyTo(), allowed);
    }
    Instant now = scope.now();
    tickets.values().removeIf(t -> !t.getValue().isAfter(now));
    tickets.put(cmd.ticketHash(), Map.entry(cmd.tokenHash(), cmd.expiresAt()));
    return scope.effect().reply(cmd.replyTo(), Done.INSTANCE);
  }

  private ReplyEffect<Event, UserState> onRedeemTicket(UserState state, RedeemTicket cmd) {
    Map.Entry<String, Instant> ticket = tickets.remove(cmd.ticketHash());
    if (ticket == null || !ticket.getValue().isAfter(scope.now())) {
      return scope.effect().reply(cmd.replyTo(), UserScope.unauthorized());
    }
    return replyTouching(state, ticket.getKey(), cmd.replyTo(), sessions.admit(state, ticket.getKey()));
  }
}
