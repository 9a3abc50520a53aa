package parley.protocol;

import java.util.List;

/** v1.1: {@code POST /api/v1/dms} {@code {"usernames":[...]}}: the group DM of the caller and 2 to 9 others. */
public record GroupDm(List<String> usernames) {}
