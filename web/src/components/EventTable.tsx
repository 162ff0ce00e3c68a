import { Link } from 'react-router';
import { signatureText } from '../signature-text';
import type { AuditEvent } from '../types';

function short(value: unknown): string {
  if (value === undefined) return '∅';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A signed record's signature in full (name, UTC time, meaning), never cut short. */
function shown(key: string, value: unknown): string {
  if (key === 'signature' && value && typeof value === 'object' && 'printedName' in value) {
    return signatureText(value as { printedName: string; signedAt: string; meaning: string });
  }
  return short(value);
}

/** An event's before/after as "key: value" lines; keys changed between the two are marked. */
function Change({ before, after }: { before: unknown; after: unknown }) {
  const asRecord = (value: unknown): Record<string, unknown> | null =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  const b = asRecord(before);
  const a = asRecord(after);
  if (!a && !b) return null;
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  return (
    <ul className="change">
      {keys.map((key) => {
        const old = b?.[key];
        const now = a?.[key];
        const changed = b && a && JSON.stringify(old) !== JSON.stringify(now);
        return (
          <li key={key}>
            <span className="key">{key}:</span>{' '}
            {changed ? (
              <>
                <del>{shown(key, old)}</del> → <ins>{shown(key, now)}</ins>
              </>
            ) : (
              shown(key, now ?? old)
            )}
          </li>
        );
      })}
    </ul>
  );
}

export function EventTable({
  events,
  showEntity = true,
}: {
  events: AuditEvent[];
  showEntity?: boolean;
}) {
  return (
    <div className="table-scroll">
      <table className="data audit">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            {showEntity && <th scope="col">Entity</th>}
            <th scope="col">Change</th>
            <th scope="col">Reason</th>
            <th scope="col">Request</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.seq}>
              <td className="num">{event.seq}</td>
              <td>{new Date(event.occurredAt).toLocaleString()}</td>
              <td>
                {event.actorName}
                {event.actorRole ? ` (${event.actorRole})` : ''}
              </td>
              <td>
                <code>{event.action}</code>
              </td>
              {showEntity && (
                <td>
                  {event.entityId ? (
                    <Link
                      to={`/audit/timeline/${encodeURIComponent(event.entityType)}/${event.entityId}`}
                    >
                      {event.entityType} {event.entityId.slice(0, 8)}
                    </Link>
                  ) : (
                    event.entityType
                  )}
                </td>
              )}
              <td className="json">
                <Change before={event.before} after={event.after} />
              </td>
              <td>{event.reason ?? ''}</td>
              <td>
                <code className="small" title={event.requestId ?? ''}>
                  {event.requestId?.slice(0, 8) ?? ''}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
