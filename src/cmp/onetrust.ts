/**
 * OneTrust (`window.OnetrustActiveGroups`, e.g. ",C0001,C0002,"). Answered once the visitor has
 * closed the banner, which OneTrust records in its `OptanonAlertBoxClosed` cookie: before that the
 * active groups are only the site's defaults. analytics: `C0002` (performance); ads: `C0004`
 * (targeting), OneTrust's default category ids. Read on `OneTrustGroupsUpdated`
 * (each script load and each change) and every 250 ms.
 */
import { evented, hasCookie } from './watch';

// Only a text: an element with that id (`<a id="OnetrustActiveGroups" href="…,C0002,C0004,">` in a
// review) is a window property too, and its href would read as a grant (security review 2026-12-06).
export const onetrust = evented('OnetrustActiveGroups', ['OneTrustGroupsUpdated'], (g, w) =>
  typeof g == 'string' && hasCookie(w, 'OptanonAlertBoxClosed') &&
  ['C0002', 'C0004'].map((id) => (',' + g + ',').includes(',' + id + ',')));
