/** The actor recorded in the audit log for everything done through the API. */
export const ADMIN_API_ACTOR = 'admin-api';

export const actorOf = (named: string | undefined) =>
  named ? `${named} via ${ADMIN_API_ACTOR}` : ADMIN_API_ACTOR;
