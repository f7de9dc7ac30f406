// Apart from vocabulary.ts: only the zod schema and the broken-plan words use these, so a bundle
// that splits the words into a chunk of their own does not share a chunk with the tracker for them.
/**
 * Vendor id formats. These ids end up in script URLs, so anything else is refused.
 * GA4 measurement ids are `G-` and upper-case letters/digits; Google Ads `AW-` and digits;
 * Meta pixels, LinkedIn partners and Microsoft UET tags are plain digits.
 */
export const ID_FORMATS = {
  ga4: { key: 'measurementId', re: /^G-[A-Z0-9]{4,16}$/, example: 'G-F1X2Y3Z4W5' },
  googleAds: { key: 'conversionId', re: /^AW-\d{6,15}$/, example: 'AW-123456789' },
  meta: { key: 'pixelId', re: /^\d{10,20}$/, example: '123456789012345' },
  linkedin: { key: 'partnerId', re: /^\d{3,12}$/, example: '1234567' },
  microsoftAds: { key: 'tagId', re: /^\d{4,12}$/, example: '12345678' },
} as const;
