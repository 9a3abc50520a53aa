// Reactions are emoji. The node stores a reaction sent as `:tada:` as 🎉 (protocol v1.2, parley.protocol.Shortcodes),
// so that every client shows one chip for one reaction; this is the same table, used to show a reaction a node older
// than v1.2 kept as a shortcode as its emoji too. Pure: no DOM.

/** The protocol's shortcodes (without colons) and their emoji, as docs/protocol.md lists them. */
export const SHORTCODES = new Map(Object.entries({
  '+1': '👍', thumbsup: '👍', '-1': '👎', thumbsdown: '👎', heart: '❤️', tada: '🎉', joy: '😂', smile: '😄',
  grin: '😁', laughing: '😆', slightly_smiling_face: '🙂', wink: '😉', blush: '😊', heart_eyes: '😍', thinking: '🤔',
  thinking_face: '🤔', neutral_face: '😐', confused: '😕', cry: '😢', sob: '😭', rage: '😡', angry: '😠', scream: '😱',
  sweat_smile: '😅', sunglasses: '😎', upside_down_face: '🙃', rofl: '🤣', hugs: '🤗', shrug: '🤷', facepalm: '🤦',
  eyes: '👀', fire: '🔥', rocket: '🚀', 100: '💯', star: '⭐', sparkles: '✨', zap: '⚡', boom: '💥', clap: '👏',
  wave: '👋', pray: '🙏', raised_hands: '🙌', ok_hand: '👌', muscle: '💪', point_up: '☝️', v: '✌️', handshake: '🤝',
  white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', warning: '⚠️', question: '❓', exclamation: '❗', bulb: '💡',
  memo: '📝', paperclip: '📎', lock: '🔒', bug: '🐛', coffee: '☕', beer: '🍺', pizza: '🍕', cake: '🍰', gift: '🎁',
  trophy: '🏆', medal: '🏅', checkered_flag: '🏁', calendar: '📅', hourglass: '⌛', skull: '💀', ghost: '👻', poop: '💩',
  see_no_evil: '🙈', broken_heart: '💔', green_heart: '💚', blue_heart: '💙', purple_heart: '💜', yellow_heart: '💛',
  sun: '☀️', rainbow: '🌈', seedling: '🌱', party: '🥳', partying_face: '🥳', melting_face: '🫠', salute: '🫡',
  saluting_face: '🫡',
}));

/** The picker's quick choices: emoji only, each in the table, so a terminal can name every one of them. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '🙏', '🔥', '✅', '😢', '🚀'];

/**
 * A reaction as it is shown and keyed: the emoji of a `:shortcode:` of the table, anything else as it is (an
 * unknown shortcode stays text; the node refuses those since v1.2).
 */
export function reactionEmoji(s) {
  if (typeof s !== 'string') return s;
  const m = /^:([a-z0-9_+-]{1,32}):$/.exec(s);
  return (m && SHORTCODES.get(m[1])) || s;
}
