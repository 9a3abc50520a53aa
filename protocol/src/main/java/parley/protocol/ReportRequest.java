package parley.protocol;

/** v1.4: body of {@code POST /api/v1/rooms/{id}/messages/{seq}/report}: why (optional, one line). */
public record ReportRequest(String reason) {}
