package parley.node;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Locale;

/**
 * Lets an appender of logback.xml write only when {@code PARLEY_LOG_FORMAT} names it ({@code text}, the default, or
 * {@code json}). Both appenders stay attached, so logback has no unused appender to report at every start.
 */
public final class LogFormat extends Filter<ILoggingEvent> {
  private static final String CHOSEN = chosen(System.getenv("PARLEY_LOG_FORMAT"));
  private String format = "text";

  static String chosen(String value) {
    return value == null || value.isBlank() ? "text" : value.trim().toLowerCase(Locale.ROOT);
  }

  /** The format this appender writes (logback sets it from the filter's element). */
  public void setFormat(String format) {
    this.format = format;
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    return format.equals(CHOSEN) ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
