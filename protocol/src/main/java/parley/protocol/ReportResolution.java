package parley.protocol;

/**
 * v1.4: body of {@code POST /api/v1/rooms/{id}/reports/{reportId}/resolve}: {@code dismiss}, or {@code delete} (the
 * message), {@code kick} or {@code ban} (its sender), done by the caller and then resolving every open report of the
 * message.
 */
public record ReportResolution(String action) {}
