package parley.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import parley.node.KillNineLedger.Op;
import parley.node.KillNineLedger.Stored;
import parley.node.testkit.ApiClient;
import parley.node.testkit.WsClient;

/**
 * The client's outbox after a restart (protocol.md section 5, "Resuming", step 5): every write the kill left
 * unanswered is sent again with its clientMsgId, and so is a sample of the acknowledged ones, the last each writer got
 * before the kill among them. Each must be answered with the seq it was first stored at; an unanswered write the node
 * never stored is stored now, once. Resends go over HTTP or a WebSocket at random (reactions: a WebSocket), since the
 * two answer a resend by different paths.
 */
final class KillNineResends {
  private static final int SAMPLE = 12;
  private static final int LAST_PER_WRITER = 3;

  private final KillNineLedger ledger;
  private final String http;

  KillNineResends(KillNineLedger ledger, String http) {
    this.ledger = ledger;
    this.http = http;
  }

  /** The write as a socket frame. */
  static String frame(Op op) {
    return switch (op.kind()) {
      case "message" -> "{\"type\":\"send\",\"room\":\"" + op.room() + "\",\"clientMsgId\":\"" + op.clientMsgId()
          + "\",\"text\":\"" + op.text() + "\"}";
      case "edit" -> "{\"type\":\"edit\",\"room\":\"" + op.room() + "\",\"seq\":" + op.target() + ",\"text\":\""
          + op.text() + "\",\"clientMsgId\":\"" + op.clientMsgId() + "\"}";
      case "reaction" -> "{\"type\":\"react\",\"room\":\"" + op.room() + "\",\"seq\":" + op.target() + ",\"emoji\":\""
          + op.text() + "\",\"clientMsgId\":\"" + op.clientMsgId() + "\"}";
      default -> throw new IllegalArgumentException(op.kind());
    };
  }

  /** The write as an HTTP call (a message or an edit); 201 or 200 with the entry when stored. */
  static ApiClient.Reply overHttp(ApiClient client, Op op) {
    return switch (op.kind()) {
      case "message" -> client.post("/api/v1/rooms/" + op.room() + "/messages",
          "{\"clientMsgId\":\"" + op.clientMsgId() + "\",\"text\":\"" + op.text() + "\"}");
      case "edit" -> client.patch("/api/v1/rooms/" + op.room() + "/messages/" + op.target(),
          "{\"clientMsgId\":\"" + op.clientMsgId() + "\",\"text\":\"" + op.text() + "\"}");
      default -> throw new IllegalArgumentException(op.kind() + " has no HTTP call");
    };
  }

  /** Resends; what was not answered with its first seq, one line each. */
  List<String> resend(Random random) {
    List<String> wrong = new ArrayList<>();
    Map<Op, Long> expected = new LinkedHashMap<>(); // the seq each resend must be answered with, or null: any
    List<Op> inDoubt = ledger.takeInDoubt();
    for (Op op : inDoubt) {
      expected.put(op, ledger.storedAt(op));
    }
    for (Stored s : sample(ledger.ackedThisRoundList(), random)) {
      expected.put(s.op(), s.seq());
    }
    // A quarter over HTTP, one at a time; the rest over each sender's socket, all in flight at once.
    Map<Op, Long> answered = new LinkedHashMap<>();
    Map<String, List<Op>> bySocket = new LinkedHashMap<>();
    for (Op op : expected.keySet()) {
      if (!"reaction".equals(op.kind()) && random.nextInt(4) == 0) {
        ApiClient.Reply reply = overHttp(ledger.client(http, op.sender()), op);
        if (reply.status() != ("edit".equals(op.kind()) ? 200 : 201)) {
          wrong.add("resend of " + op + " over HTTP: " + reply);
        } else {
          answered.put(op, reply.body().get("seq").asLong());
        }
      } else {
        bySocket.computeIfAbsent(op.sender(), u -> new ArrayList<>()).add(op);
      }
    }
    for (Map.Entry<String, List<Op>> mine : bySocket.entrySet()) {
      try (WsClient socket = WsClient.connect(http, ledger.accounts.get(mine.getKey()))) {
        socket.awaitType("hello");
        mine.getValue().forEach(op -> socket.send(frame(op)));
        for (Op op : mine.getValue()) {
          JsonNode answer = socket.await(f -> "ack".equals(f.path("type").asText())
              && op.clientMsgId().equals(f.path("clientMsgId").asText()) && op.room().equals(f.path("room").asText())
              || "error".equals(f.path("type").asText()) && op.clientMsgId().equals(f.path("ref").asText()));
          if ("ack".equals(answer.path("type").asText())) {
            answered.put(op, answer.get("seq").asLong());
          } else {
            wrong.add("resend of " + op + " over a socket: " + answer);
          }
        }
      }
    }
    answered.forEach((op, seq) -> {
      Long first = expected.get(op);
      if (first != null && !first.equals(seq)) {
        wrong.add(op + " was stored at " + first + ", its resend was answered with " + seq);
      }
    });
    // What the kill left in doubt is acknowledged now, at the seq the resend was answered with.
    inDoubt.stream().filter(answered::containsKey).forEach(op -> ledger.stored(op, answered.get(op)));
    return wrong;
  }

  /** The last few each writer (a clientMsgId's first part) was told before the kill, and some at random. */
  private static List<Stored> sample(List<Stored> acked, Random random) {
    Map<String, List<Stored>> byWriter = new LinkedHashMap<>();
    for (Stored s : acked) {
      byWriter.computeIfAbsent(s.op().clientMsgId().split("/")[0], w -> new ArrayList<>()).add(s);
    }
    List<Stored> chosen = new ArrayList<>();
    for (List<Stored> mine : byWriter.values()) {
      chosen.addAll(mine.subList(Math.max(0, mine.size() - LAST_PER_WRITER), mine.size()));
    }
    for (int i = 0; i < SAMPLE && !acked.isEmpty(); i++) {
      chosen.add(acked.get(random.nextInt(acked.size())));
    }
    return chosen;
  }
}
