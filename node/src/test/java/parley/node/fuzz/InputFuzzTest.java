package parley.node.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import parley.node.Validation;
import parley.node.search.Highlights;
import parley.node.search.QueryRefused;
import parley.node.search.SearchQuery;
import parley.node.search.SearchQueryParser;
import parley.node.search.TsQuery;
import parley.protocol.Admin;
import parley.protocol.ClientFrame;
import parley.protocol.CreateRoom;
import parley.protocol.Credentials;
import parley.protocol.InviteLinkRequest;
import parley.protocol.JoinRoom;
import parley.protocol.Json;
import parley.protocol.Limits;
import parley.protocol.MarkRead;
import parley.protocol.PasswordChange;
import parley.protocol.PostMessage;
import parley.protocol.ReportRequest;
import parley.protocol.ReportResolution;
import parley.protocol.UserDirectory;
import parley.protocol.UserSettings;

/**
 * Everything a client can send, fuzzed with Jazzer: WebSocket frames, every REST body, the {@code after} cursor and
 * the fields the node checks. Each target does what the node does with such input and allows only the outcomes the
 * node turns into a clear error (a JSON parse failure, a validation problem); anything else thrown is a finding.
 * {@code mvn verify} replays the committed inputs (src/test/resources/parley/node/fuzz/InputFuzzTestInputs); a real
 * run: {@code JAZZER_FUZZ=1 mvn -pl node test -Dtest=InputFuzzTest} (docs/operations.md, section Fuzzing).
 */
class InputFuzzTest {
  private static final List<Class<?>> BODIES = List.of(Credentials.class, CreateRoom.class, JoinRoom.class,
      PostMessage.class, MarkRead.class, PasswordChange.class, UserSettings.class,
      InviteLinkRequest.class, ReportRequest.class, ReportResolution.class, Admin.Settings.class,
      UserDirectory.Listing.class);

  /** A WebSocket text frame: parsed, then checked as the session checks a send. */
  @FuzzTest(maxExecutions = 1_000_000)
  void frames(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    ClientFrame frame;
    try {
      frame = Json.mapper().readValue(text, ClientFrame.class);
    } catch (JsonProcessingException e) {
      return; // invalid_json, invalid_frame, unknown_type
    }
    if (frame instanceof ClientFrame.Send send) {
      Validation.message(send.clientMsgId(), send.text());
      if (send.room() != null) {
        Validation.isValidRoomId(send.room());
      }
    }
  }

  /** Every REST body the node reads, as the route reads it, and the checks it runs on each. */
  @FuzzTest(maxExecutions = 1_000_000)
  void bodies(FuzzedDataProvider data) {
    Class<?> type = BODIES.get(data.consumeInt(0, BODIES.size() - 1));
    Object body;
    try {
      body = Json.mapper().readValue(data.consumeRemainingAsString(), type);
    } catch (IOException e) {
      return; // 400 invalid_request
    }
    if (body instanceof Credentials c) {
      String name = Validation.canonicalUsername(c.username());
      Validation.isValidUsername(name);
      Validation.signup(name, c.password());
    } else if (body instanceof CreateRoom r) {
      Validation.room(r.name(), r.passcode(), r.capacity());
    } else if (body instanceof PostMessage p) {
      Validation.message(p.clientMsgId(), p.text());
    } else if (body instanceof PasswordChange p) {
      Validation.signup("someone", p.newPassword());
    }
  }

  /** The handshake's {@code after}: parsed into resume points or refused, never more than the limit. */
  @FuzzTest(maxExecutions = 1_000_000)
  void resumeCursor(FuzzedDataProvider data) {
    String raw = data.consumeRemainingAsString();
    Validation.resumePoints(raw).ifPresent(points -> {
      if (points.size() > Limits.RESUME_ROOMS_MAX) {
        throw new IllegalStateException("more resume points than the limit: " + points.size());
      }
      points.forEach((room, seq) -> {
        if (seq < 0 || !Validation.isValidRoomId(room)) {
          throw new IllegalStateException("accepted a bad resume point " + room + ":" + seq);
        }
      });
    });
  }

  /** Usernames from paths and bodies, room ids from paths: canonicalised and checked without throwing. */
  @FuzzTest(maxExecutions = 1_000_000)
  void namesAndIds(FuzzedDataProvider data) {
    String raw = data.consumeRemainingAsString();
    String name = Validation.canonicalUsername(raw);
    if (Validation.isValidUsername(name) && !name.equals(Validation.canonicalUsername(name))) {
      throw new IllegalStateException("a valid name that canonicalises again differently: " + name);
    }
    Validation.isValidRoomId(raw);
  }

  /**
   * A search's {@code q}: parsed, or refused with one of its three codes; whatever is parsed can be highlighted and
   * written as a PostgreSQL tsquery (a literal of quoted lexemes, never SQL) without throwing.
   */
  @FuzzTest(maxExecutions = 1_000_000)
  void searchQueries(FuzzedDataProvider data) {
    String text = data.consumeString(500);
    String query = data.consumeRemainingAsString();
    SearchQuery parsed;
    try {
      parsed = SearchQueryParser.parse(query);
    } catch (QueryRefused e) {
      if (!Set.of("invalid_query", "query_too_long", "too_many_terms").contains(e.code())) {
        throw new IllegalStateException("a refusal with another code: " + e.code());
      }
      return; // 400 with its code
    }
    Highlights.of(text, parsed);
    TsQuery.of(parsed);
  }
}
