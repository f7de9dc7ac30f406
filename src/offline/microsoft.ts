/**
 * Microsoft Advertising offline conversions (reference: journey-and-reports.md §7.3): the UI's CSV
 * template, `Parameters:TimeZone=<±HHMM>` then the header `Microsoft Click ID,Conversion Name,
 * Conversion Time,Conversion Value,Conversion Currency`. The template takes an offset, not a zone
 * id, so a zone with daylight saving time is written in UTC (`+0000`): one offset cannot be right
 * all year. The time format is UNCONFIRMED (exporters use several); `yyyy-MM-dd HH:mm:ss` is used.
 * The hashed e-mail/phone variant is only observed, not documented, and is not written.
 */
import { csvLine } from './csv';
import { UTC, wallTime, type Zone } from './time';

export const MICROSOFT_HEADER = ['Microsoft Click ID', 'Conversion Name', 'Conversion Time', 'Conversion Value', 'Conversion Currency'] as const;

export interface MicrosoftRow {
  msclkid: string;
  time: number;
  valueText: string;
  currency: string;
}

/** The zone the file is written in: the fixed offset given, or UTC for a zone with daylight saving time. */
export const microsoftZone = (zone: Zone): Zone => (zone.fixed !== undefined ? zone : UTC);

export function microsoftFile(rows: readonly MicrosoftRow[], o: { conversionName: string; zone: Zone }): string {
  const zone = microsoftZone(o.zone);
  return `Parameters:TimeZone=${zone.param}\n${csvLine(MICROSOFT_HEADER)}${rows.map((r) => csvLine([r.msclkid, o.conversionName, wallTime(r.time, zone), r.valueText, r.currency])).join('')}`;
}
