package parley.client.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommandParserTest {

  @Test
  void plainLinesAreMessagesAndDoubleSlashEscapes() {
    assertEquals(new Command.Say("hello /all"), CommandParser.parse("hello /all"));
    assertEquals(new Command.Say("/shrug"), CommandParser.parse("//shrug"));
  }

  @Test
  void createTakesANameOfSeveralWordsAndOptions() {
    assertEquals(new Command.Create("team chat", "s3cret", 20),
        CommandParser.parse("/create team chat --passcode s3cret --capacity 20"));
    assertEquals(new Command.Create("x", null, null), CommandParser.parse("/create x"));
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/create"));
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/create x --capacity many"));
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/create x --passcode"));
  }

  @Test
  void theOtherCommands() {
    assertEquals(new Command.Join("k3v9q2m8x1ab", null), CommandParser.parse("/join k3v9q2m8x1ab"));
    assertEquals(new Command.Join("k3v9q2m8x1ab", "pw"), CommandParser.parse("/JOIN k3v9q2m8x1ab pw"));
    assertEquals(new Command.Leave(), CommandParser.parse("/leave"));
    assertEquals(new Command.Rooms(null), CommandParser.parse("/rooms"));
    assertEquals(new Command.Rooms("dev ops"), CommandParser.parse("/rooms dev ops"));
    assertEquals(new Command.Msg("bob", "are  you there?"), CommandParser.parse("/msg @bob are  you there?"));
    assertEquals(new Command.Dm("bob"), CommandParser.parse("/msg bob"));
    assertEquals(new Command.Me("waves at  everyone"), CommandParser.parse("/me waves at  everyone"));
    assertEquals(new Command.Logout(), CommandParser.parse("/logout"));
    assertTrue(CommandParser.parse("/me") instanceof Command.Invalid);
    assertEquals(new Command.Dm("bob"), CommandParser.parse("/dm @bob"));
    assertEquals(new Command.Who(), CommandParser.parse("/who"));
    assertEquals(new Command.Help(), CommandParser.parse("/help"));
    assertEquals(new Command.Quit(), CommandParser.parse("/quit"));
  }

  @Test
  void mistakesSayWhatWasMeant() {
    assertEquals(new Command.Invalid("Usage: /join id [passcode]"), CommandParser.parse("/join"));
    assertEquals(new Command.Invalid("Usage: /dm user"), CommandParser.parse("/dm"));
    assertInstanceOf(Command.Invalid.class, CommandParser.parse("/frobnicate"));
  }
}
