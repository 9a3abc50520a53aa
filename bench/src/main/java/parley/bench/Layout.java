package parley.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Who is in which room: {@code users} users, each in {@code roomsPerUser} rooms of exactly {@code roomSize}
 * members. Layer {@code j} splits the users (shifted by half a room per layer, so layers overlap differently)
 * into consecutive groups of {@code roomSize}. Users must be a multiple of the room size.
 */
public record Layout(int users, int roomSize, int roomsPerUser) {
  public Layout {
    if (users <= 0 || roomSize <= 0 || users % roomSize != 0 || roomsPerUser <= 0) {
      throw new IllegalArgumentException("users must be a positive multiple of the room size: " + users + "/" + roomSize);
    }
  }

  public int rooms() {
    return users / roomSize * roomsPerUser;
  }

  /** Members of each room, by user index; the first member creates the room. */
  public List<List<Integer>> members() {
    List<List<Integer>> members = new ArrayList<>();
    for (int r = 0; r < rooms(); r++) {
      members.add(new ArrayList<>());
    }
    for (int j = 0; j < roomsPerUser; j++) {
      for (int i = 0; i < users; i++) {
        members.get(roomOf(i, j)).add(i);
      }
    }
    return members;
  }

  /** The rooms of each user, by room index. */
  public List<List<Integer>> roomsOfUsers() {
    List<List<Integer>> rooms = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      List<Integer> mine = new ArrayList<>();
      for (int j = 0; j < roomsPerUser; j++) {
        mine.add(roomOf(i, j));
      }
      rooms.add(mine);
    }
    return rooms;
  }

  private int roomOf(int user, int layer) {
    int perLayer = users / roomSize;
    int shifted = (user + layer * (roomSize / 2)) % users;
    return layer * perLayer + shifted / roomSize;
  }
}
