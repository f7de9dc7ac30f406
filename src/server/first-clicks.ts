/**
 * The `first_clicks` table (schema 13): for each visitor and ad click id (kind and digest), the
 * session that carried it first, in the order of the visitor's sessions (start, then session
 * id). A session's click is the first id on its landing that no earlier session carried
 * (sessions.ts): with this table that is one seek per id, where reading every earlier session's
 * `clicks` made a commit's cost grow with the visitor's sessions (a bot keeping one anonymous id
 * had 50,000 of them cost 0.2 s a commit). It holds one row per visitor and click id, not per
 * session: a return visit's copy of an id adds nothing.
 *
 * Deleting a session that carried ids deletes its visitor's rows here (a trigger, so an erasure
 * or a hand's DELETE leaves no digest behind); whoever deletes one decides the visitor's sessions
 * again (carriedClicks), which writes them anew.
 */
import type { Database } from './sqlite';

export const FIRST_CLICKS_SQL = `CREATE TABLE IF NOT EXISTS first_clicks (
    anonymous_id TEXT NOT NULL,
    click TEXT NOT NULL,
    click_ref TEXT NOT NULL,
    started TEXT NOT NULL,
    session_id TEXT NOT NULL,
    PRIMARY KEY (anonymous_id, click, click_ref)
  ) WITHOUT ROWID;
  CREATE TRIGGER IF NOT EXISTS sessions_first_clicks AFTER DELETE ON sessions WHEN old.clicks IS NOT NULL
  BEGIN DELETE FROM first_clicks WHERE anonymous_id = old.anonymous_id; END;`;

/** Whether session (a, aId) started before (b, bId): by start, then by session id, as JavaScript compares text. */
export const startsBefore = (a: string, aId: string, b: string, bId: string) => a < b || (a === b && aId < bId);

export interface FirstClicks {
  /**
   * Session `id` of `visitor`, started at `started`, carries the id: it becomes the first carrier
   * when it starts before the one recorded (or none is). Returns false when an earlier session
   * carried it; true when this one is the first; the id of the session it took the place from
   * (whose click may change) when another was.
   */
  offer(visitor: string, click: string, ref: string, started: string, id: string): boolean | string;
  /** The session that carried the id first; undefined when none is recorded. */
  first(visitor: string, click: string, ref: string): string | undefined;
  /** Records the first carrier of an id of a visitor whose rows were cleared (carriedClicks' rebuild). */
  put(visitor: string, click: string, ref: string, started: string, id: string): void;
  /** Clears a visitor's rows. */
  clear(visitor: string): void;
}

export function firstClicks(db: Database): FirstClicks {
  const insert = db.prepare('INSERT INTO first_clicks (anonymous_id, click, click_ref, started, session_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const read = db.prepare('SELECT started, session_id FROM first_clicks WHERE anonymous_id = ? AND click = ? AND click_ref = ?').raw();
  const move = db.prepare('UPDATE first_clicks SET started = ?, session_id = ? WHERE anonymous_id = ? AND click = ? AND click_ref = ?');
  const clear = db.prepare('DELETE FROM first_clicks WHERE anonymous_id = ?');
  return {
    offer(visitor, click, ref, started, id) {
      // Most ids are new: one insert, no read.
      if (insert.run(visitor, click, ref, started, id).changes) return true;
      const [was, wasId] = read.get(visitor, click, ref) as [string, string];
      if (wasId === id) {
        // Its own start moved earlier: still the first.
        if (was !== started) move.run(started, id, visitor, click, ref);
        return true;
      }
      if (!startsBefore(started, id, was, wasId)) return false;
      move.run(started, id, visitor, click, ref);
      return wasId;
    },
    first(visitor, click, ref) {
      return (read.get(visitor, click, ref) as [string, string] | undefined)?.[1];
    },
    put(visitor, click, ref, started, id) {
      insert.run(visitor, click, ref, started, id);
    },
    clear(visitor) {
      clear.run(visitor);
    },
  };
}
