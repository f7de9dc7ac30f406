/**
 * IAB TCF v2.2 (`__tcfapi`). One `addEventListener`: the CMP calls it at once, then on every
 * change of the TC string. An answer is `eventStatus` `tcloaded` (a stored choice) or
 * `useractioncomplete` (the visitor just confirmed); `cmpuishown` is not one. Only purpose
 * *consents* count, never `legitimateInterests`:
 * - analytics: purposes 1 (store/access on a device), 8 (measure content performance) and
 *   9 (understand audiences through statistics);
 * - ads: purposes 1, 2 (limited data to select ads), 3 and 4 (create and use profiles for
 *   personalised ads: our `ads` includes Google's `ad_personalization`) and 7 (measure ad performance).
 * `gdprApplies === false`: the CMP says TCF consent is not needed, both are granted.
 */
import type { Reader } from './watch';

export const tcf: Reader = (w, decide, loaded, poll, guard) => {
  let id: unknown;
  let off = 0;
  const remove = (i: unknown) => { try { w.__tcfapi('removeEventListener', 2, () => {}, i); } catch { /* a broken CMP: nothing to remove */ } };
  const seen = guard((d: any, ok: boolean) => {
    if (ok && d) {
      loaded();
      id = d.listenerId;
      const all = (...p: number[]) => p.every((n) => d.purpose?.consents?.[n] === true);
      if (d.gdprApplies === false) decide(true, true);
      else if (['tcloaded', 'useractioncomplete'].includes(d.eventStatus)) decide(all(1, 8, 9), all(1, 2, 3, 4, 7));
    }
  });
  // Stopped while the stub held our call: the CMP registers it when it loads, and its first
  // callback brings the id to remove it with.
  const heard = (d: any, ok: boolean) => (off ? d?.listenerId != null && remove(d.listenerId) : seen(d, ok));
  poll(() => w.__tcfapi && (w.__tcfapi('addEventListener', 2, heard), 1));
  return () => { off = 1; if (id != null) remove(id); };
};
