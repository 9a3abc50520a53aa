/**
 * Invite links: a room's links, kept in the node's database (migration V7) as hashes of their tokens, each with its
 * room, maker, expiry and uses ({@link parley.node.invites.InviteLinks}). A use is claimed by one conditional update,
 * so a link with one use left admits one user however many accept it at once.
 *
 * <p>Below the edge, beside files: it knows no entity, session or route. The edge asks the room whether the caller may
 * make or list links, and joins the user once a use is claimed (giving the use back if the room refuses them). Every
 * blocking call runs on the blocking dispatcher, never on an actor's thread.
 */
package parley.node.invites;
