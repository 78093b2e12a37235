/**
 * `url` with the password of its `user:password@` part replaced by `***`, everything else kept; for
 * messages and listings that show a connection URL (`store.url`), which may not even parse.
 *
 * @example
 * redactUrlPassword('postgres://app:s3cret@db:5432/kb') // 'postgres://app:***@db:5432/kb'
 */
export function redactUrlPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@');
}
