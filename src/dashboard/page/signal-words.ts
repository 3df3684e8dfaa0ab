/** Signal letters as words: L,Z → "below range, unusual for the season". */
export function signalWords(signals: string | null): string {
  if (!signals) return 'none';
  const words: Record<string, string> = { L: 'below range', U: 'above range', Z: 'unusual for the season', P: 'sharp change' };
  return signals
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((letter) => words[letter] ?? letter)
    .join(', ');
}
