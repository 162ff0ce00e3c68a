/**
 * Electronic signatures (21 CFR 11.50, 11.200). A signed record carries the signer's printed
 * name, the date and time of signing (UTC) and the meaning of the signature; the record's audit
 * event holds this object in its `after`, so the audit log's hash covers it.
 */
export const SignatureMeaning = {
  Read: 'I attest this is my independent assessment',
  Adjudicated: 'Adjudicated',
  Corrected: 'Corrected',
} as const;

export type SignatureMeaning = (typeof SignatureMeaning)[keyof typeof SignatureMeaning];

export const SIGNATURE_MEANINGS: readonly SignatureMeaning[] = Object.values(SignatureMeaning);

/** What kind of record a signature is attached to. */
export type SignedRecordType = 'read' | 'adjudication-decision';

/**
 * How the signer identified themselves: `password` when they re-entered it for this signing,
 * `session` for a later signing in the same continuous session (11.200(a)(1)(i)).
 */
export type SignatureMethod = 'password' | 'session';

/** The manifestation of a signature (11.50): what the record, results and exports show. */
export interface Signature {
  signerId: string;
  printedName: string;
  /** ISO 8601 in UTC. */
  signedAt: string;
  meaning: SignatureMeaning;
  method: SignatureMethod;
}

/** After this many wrong passwords a session (or token) can no longer sign until a new sign-in. */
export const SIGNING_FAILURE_LIMIT = 3;

/**
 * Whether this signing needs the password. 11.200(a)(1): the first signing of a continuous
 * session uses both components (the signed-in identity and the password); later signings in
 * that session may use one, unless the study's charter asks for the password every time. An API
 * token is not a continuous session a person controls, so it signs with the password every time.
 */
export function passwordRequired(input: {
  via: 'session' | 'token';
  verifiedAt: Date | null;
  everySigning: boolean;
}): boolean {
  return input.via === 'token' || input.everySigning || input.verifiedAt === null;
}
