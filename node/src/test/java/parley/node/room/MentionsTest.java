package parley.node.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import parley.node.testkit.InMemory;

/** Who a message names: members with @name as a whole word, any case; @room for everyone, with its limit. */
@InMemory
class MentionsTest {
  private static final Set<String> MEMBERS = Set.of("alice", "bob", "carol.k", "dave");

  @Test
  void membersNamedWithAnAtAsAWholeWordInAnyCase() {
    assertEquals(List.of("bob", "carol.k"), Mentions.in("hey @Bob and @carol.k.", "alice", MEMBERS, "alice"));
    assertEquals(List.of("bob"), Mentions.in("(@bob) @bob @BOB", "alice", MEMBERS, "alice"), "each once");
    assertEquals(List.of(), Mentions.in("mail bob@example.org or @bobby or @mallory", "alice", MEMBERS, "alice"));
    assertEquals(List.of(), Mentions.in("talking to myself @alice", "alice", MEMBERS, "alice"));
    assertEquals(List.of(), Mentions.in("no at sign: bob", "alice", MEMBERS, "alice"));
  }

  @Test
  void atRoomNamesEveryOtherMemberButInABigRoomOnlyFromTheOwner() {
    assertEquals(List.of("alice", "carol.k", "dave"), Mentions.in("@room lunch?", "bob", MEMBERS, "alice"));
    Set<String> big = new HashSet<>(MEMBERS);
    IntStream.range(0, Mentions.ROOM_MENTION_MAX_MEMBERS).forEach(i -> big.add("user" + i));
    assertEquals(List.of(), Mentions.in("@room lunch?", "bob", big, "alice"), "plain text from a member");
    assertEquals(big.size() - 1, Mentions.in("@room lunch?", "alice", big, "alice").size(), "the owner may");
    assertEquals(List.of("dave"), Mentions.in("@room @dave", "bob", big, "alice"));
  }

  @Test
  void aLineThatStartsWithAMembersNameAndAColonAddressesThem() {
    assertEquals(List.of("dave"), Mentions.in("dave: the build is green", "alice", MEMBERS, "alice"));
    assertEquals(List.of("dave", "bob"), Mentions.in("Dave: ask @bob", "alice", MEMBERS, "alice"));
    assertEquals(List.of("dave"), Mentions.in("dave:", "alice", MEMBERS, "alice"));
    assertEquals(List.of(), Mentions.in("note: dave is out", "alice", MEMBERS, "alice"), "only a member's name");
    assertEquals(List.of(), Mentions.in("http://dave", "alice", MEMBERS, "alice"));
    assertEquals(List.of(), Mentions.in("ask dave: he knows", "alice", MEMBERS, "alice"), "only at the start");
  }
}
