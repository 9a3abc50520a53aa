package parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code GET /api/v1/me}. {@code admin} (v1.4): true for a server admin, left out for everyone else. */
public record Me(String username, List<RoomSummary> rooms, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean admin) {
  public Me(String username, List<RoomSummary> rooms) {
    this(username, rooms, null);
  }
}
