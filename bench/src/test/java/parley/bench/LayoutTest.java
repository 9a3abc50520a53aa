package parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayoutTest {

  @Test
  void everyRoomHasExactlyItsSizeAndEveryUserItsRooms() {
    Layout layout = new Layout(40, 10, 2);
    assertEquals(8, layout.rooms());
    List<List<Integer>> members = layout.members();
    for (List<Integer> room : members) {
      assertEquals(10, room.size());
      assertEquals(10, new HashSet<>(room).size());
    }
    List<List<Integer>> roomsOf = layout.roomsOfUsers();
    for (int u = 0; u < 40; u++) {
      assertEquals(2, new HashSet<>(roomsOf.get(u)).size(), "user " + u);
      for (int r : roomsOf.get(u)) {
        assertEquals(true, members.get(r).contains(u));
      }
    }
  }

  @Test
  void oneHotRoom() {
    Layout layout = new Layout(10, 10, 1);
    assertEquals(1, layout.rooms());
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), layout.members().get(0));
  }

  @Test
  void usersMustFillRooms() {
    assertThrows(IllegalArgumentException.class, () -> new Layout(15, 10, 1));
  }
}
