/** A UTC instant as signatures show it (21 CFR 11.50): "2026-12-01 21:10:05 UTC". */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.replace('T', ' ').slice(0, 19)} UTC`;
}

/** A signature's manifestation: printed name, date and time (UTC), meaning. */
export function signatureText(
  signature: { printedName: string; signedAt: string; meaning: string } | null | undefined,
): string {
  if (!signature) return 'not signed';
  return `Signed by ${signature.printedName}, ${formatUtc(signature.signedAt)}: “${signature.meaning}”`;
}
