/** Names of variables that hold secrets, in compose and in Kubernetes. */
export const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|_KEY|DATABASE_URL|REDIS_URL)$/;
/** A URL with a password in it: scheme://user:password@host. */
export const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:[^\s@/'"]+@/i;
