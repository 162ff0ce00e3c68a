/**
 * Events about user accounts, published by UsersService inside the transaction that changes the
 * account. Find the handlers by searching for the event's name.
 */
declare module '../events/domain-event.decorator' {
  interface DomainEventMap {
    /** An active user was deactivated: their open work must move on to someone else. */
    'user.deactivated': { userId: string };
  }
}

export {};
