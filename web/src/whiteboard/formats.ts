// File formats are names, not words: sentences take them as parameters, so
// the Russian interface has no Latin words of its own.
export const FORMATS = { pdf: 'PDF', png: 'PNG' } as const;
