import { ApiError } from '../api';

/** A server or network error as the user sees it: what went wrong and the id to quote. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const messages =
    error instanceof ApiError
      ? error.messages
      : [error instanceof Error ? error.message : 'Something went wrong.'];
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <div className="error-box" role="alert">
      <strong>{title ?? 'The server could not do that.'}</strong>
      {messages.length === 1 ? (
        <p>{messages[0]}</p>
      ) : (
        <ul>
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {requestId && (
        <p className="request-id">
          Request ID: <code>{requestId}</code>
        </p>
      )}
    </div>
  );
}

export function Loading({ what }: { what?: string }) {
  return (
    <p className="loading" role="status">
      Loading{what ? ` ${what}` : ''}…
    </p>
  );
}
