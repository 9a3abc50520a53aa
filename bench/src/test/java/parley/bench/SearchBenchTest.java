package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SearchBenchTest {

  @Test
  void everyUserIsInTheirShareOfRoomsAndEveryRoomHasItsMembers() {
    for (SearchBench.Shape shape : List.of(new SearchBench.Shape(20_000, 100, 40, 10, 60),
        new SearchBench.Shape(1_000_000, 1_000, 200, 50, 300))) {
      SearchBench.Run run = new SearchBench.Run(null, null, shape, true, null, null, null);
      int perRoom = shape.users() * shape.roomsPerUser() / shape.rooms();
      for (int r = 0; r < shape.rooms(); r++) {
        assertEquals(perRoom, run.membersOf(r).size(), "room " + r);
      }
      for (int u = 0; u < shape.users(); u++) {
        var mine = new HashSet<Integer>();
        for (int j = 0; j < shape.roomsPerUser(); j++) {
          mine.add(run.roomOf(u, j));
          assertTrue(run.membersOf(run.roomOf(u, j)).contains(u));
        }
        assertEquals(shape.roomsPerUser(), mine.size(), "user " + u);
      }
    }
  }

  @Test
  void theVocabularyHasNoEnglishSuffixForTheStemmerAndZipfFavoursTheFirstRanks() {
    String[] words = SearchBench.vocabulary(new Random(60));
    assertEquals(words.length, new HashSet<>(List.of(words)).size());
    for (String w : words) {
      // Letters the Porter stemmer's suffixes need (e, i, l, n, s, y) never occur.
      assertTrue(w.matches("[bdfgkmptvzaou]+"), w);
    }
    SearchBench.Zipf zipf = new SearchBench.Zipf(words.length);
    Random random = new Random(1);
    int first = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      if (zipf.rank(random) == 0) {
        first++;
      }
    }
    // 1 / H(5000) of the draws, about 11%.
    assertTrue(first > n / 12 && first < n / 7, "rank 0 drawn " + first + " times of " + n);
  }

  @Test
  void theLimitsSqlQuotesItsTsqueryAndNamesTheCallersRooms() {
    assertEquals("SELECT room, seq FROM search_entries WHERE terms @@ '''bak'' <-> ''tum'''::tsquery"
            + " AND room = ANY('{r1,r2}'::varchar[]) AND sender = 'user3' ORDER BY sent_at DESC, room COLLATE \"C\", seq DESC LIMIT 20",
        SearchProbes.limitQuery("bak <-> tum", List.of("r1", "r2"), "user3"));
  }
}
