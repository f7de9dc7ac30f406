/** A currency's minor digits as Intl knows them (3 for KWD, 0 for JPY, 2 for EUR); undefined for no or an unknown code. */
export const minorDigits = (currency: string): number | undefined => {
  try { return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits; } catch { return undefined; }
};
